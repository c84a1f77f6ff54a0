/*
 * The JavaScript interface of the oneDNN convolutions (conv_dnnl.c), oneDNN build only:
 *
 *   conv2d(memory: Float32Array, mode: 0|1|2, geometry: number[15], a, b, c, d: byte offsets or -1,
 *          relu: 0|1, threads) → boolean
 *
 * geometry = [n, h, w, c, f, kh, kw, strideH, strideW, dilationH, dilationW, padTop, padLeft, outH, outW]
 * (Keras' dilation: 1 = none). The operands by mode, every one f32 channels last:
 *   0 forward           a = x [n,h,w,c], b = kernel [kh,kw,c,f], c = bias [f] or -1, d = y [n,outH,outW,f]
 *   1 backward data     a = dy [n,outH,outW,f], b = kernel, c = -1, d = dx [n,h,w,c]
 *   2 backward weights  a = x, b = dy, c = dbias [f] or -1, d = dkernel [kh,kw,c,f]
 * Returns true when computed, false (having written nothing) when oneDNN has no implementation for
 * this geometry; `threads` is oneDNN's OpenMP thread count, or 0 to split the batch between this thread
 * and the addon's helper thread (conv_split.c). Throws, computing nothing, on a bad argument (naming it), an operand past the end of
 * `memory`, or an output overlapping another operand. Like sgemm it holds asynchronous signals while
 * oneDNN runs, unless JavaScript already holds them.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "conv_dnnl.h"
#include "js_args.h"
#include "signals.h"

#define CONV_ARGS 9
/* The `threads` value that splits the batch with the helper thread (conv_split.c), as in sgemm. */
#define SPLIT_THREADS 0
#define MAX_DIM 0x7fffffffLL
static const char *const GEOMETRY_NAMES[15] = {"n",        "h",         "w",         "c",      "f",
                                               "kh",       "kw",        "strideH",   "strideW", "dilationH",
                                               "dilationW", "padTop",   "padLeft",   "outH",   "outW"};

typedef struct {
  const char *name;
  int64_t offset; /* bytes, -1 when absent */
  double elements;
} operand;

static int check_operand(const operand *o, double buffer_bytes, char *msg, size_t len) {
  if (o->offset < 0) return 1;
  if (o->offset % 4 != 0) {
    snprintf(msg, len, "conv2d: %s offset %lld is not a multiple of 4 bytes", o->name, (long long)o->offset);
    return 0;
  }
  double end = (double)o->offset + 4 * o->elements;
  if (end > buffer_bytes) {
    snprintf(msg, len, "conv2d: %s (%.0f floats at byte %lld) ends at byte %.0f, past the buffer's %.0f", o->name,
             o->elements, (long long)o->offset, end, buffer_bytes);
    return 0;
  }
  return 1;
}

static int overlap(const operand *x, const operand *y) {
  if (x->offset < 0 || y->offset < 0 || x->elements == 0 || y->elements == 0) return 0;
  return (double)x->offset < (double)y->offset + 4 * y->elements &&
         (double)y->offset < (double)x->offset + 4 * x->elements;
}

/* Reads and checks the geometry (see below for what is consistent). */
static int read_geometry(napi_env env, napi_value arr, conv_shape *s, char *msg, size_t len) {
  bool is_array = false;
  uint32_t length = 0;
  if (napi_is_array(env, arr, &is_array) != napi_ok || !is_array || napi_get_array_length(env, arr, &length) != napi_ok ||
      length != 15) {
    snprintf(msg, len, "conv2d: geometry must be an array of 15 integers (n, h, w, c, f, kh, kw, strides, dilations, "
                       "padTop, padLeft, outH, outW)");
    return 0;
  }
  int64_t g[15];
  for (uint32_t i = 0; i < 15; i++) {
    napi_value v;
    int64_t lo = i == 0 || i == 11 || i == 12 ? 0 : 1;
    if (napi_get_element(env, arr, i, &v) != napi_ok || !js_read_int(env, v, "conv2d", GEOMETRY_NAMES[i], lo, MAX_DIM, &g[i], msg, len))
      return 0;
  }
  *s = (conv_shape){g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14]};
  // pb, pr: the padding after the input that the output size implies (see conv_desc).
  double pb = (double)(s->oh - 1) * s->sh + (double)(s->kh - 1) * s->dh + 1 - s->h - s->pt;
  double pr = (double)(s->ow - 1) * s->sw + (double)(s->kw - 1) * s->dw + 1 - s->w - s->pl;
  // Consistent: the windows cover the input's last stride, and no window lies wholly in the padding
  // after it (Keras' 'valid', 'same' and 'causal' never do).
  double eh = (double)(s->kh - 1) * s->dh + 1, ew = (double)(s->kw - 1) * s->dw + 1;
  if (pb <= -(double)s->sh || pr <= -(double)s->sw || pb >= eh || pr >= ew || s->pt >= eh || s->pl >= ew) {
    snprintf(msg, len, "conv2d: outH %lld × outW %lld does not match a %lld×%lld input (kernel %lld×%lld, strides %lld×%lld, "
             "dilations %lld×%lld, padTop %lld, padLeft %lld)", (long long)s->oh, (long long)s->ow, (long long)s->h,
             (long long)s->w, (long long)s->kh, (long long)s->kw, (long long)s->sh, (long long)s->sw, (long long)s->dh,
             (long long)s->dw, (long long)s->pt, (long long)s->pl);
    return 0;
  }
  return 1;
}

static napi_value conv2d_js(napi_env env, napi_callback_info info) {
  napi_value argv[CONV_ARGS];
  char msg[320];
  if (!js_read_args(env, info, "conv2d", argv, CONV_ARGS, msg, sizeof msg)) return js_throw(env, msg);
  float *base = NULL;
  size_t length = 0;
  if (!js_read_memory(env, argv[0], "conv2d", &base, &length, msg, sizeof msg)) return js_throw(env, msg);
  int64_t mode, off[4], relu, threads;
  if (!js_read_int(env, argv[1], "conv2d", "mode", 0, 2, &mode, msg, sizeof msg)) return js_throw(env, msg);
  conv_shape s;
  if (!read_geometry(env, argv[2], &s, msg, sizeof msg)) return js_throw(env, msg);
  static const char *const NAMES[3][4] = {{"x", "kernel", "bias", "y"},
                                          {"dy", "kernel", "(unused)", "dx"},
                                          {"x", "dy", "dbias", "dkernel"}};
  for (int i = 0; i < 4; i++) {
    int optional = i == 2;
    if (!js_read_int(env, argv[3 + i], "conv2d", NAMES[mode][i], optional ? -1 : 0, MAX_DIM * 4, &off[i], msg, sizeof msg))
      return js_throw(env, msg);
  }
  if (mode == CONV_BACKWARD_DATA && off[2] != -1) return js_throw(env, "conv2d: backward data takes no third operand (pass -1)");
  if (!js_read_int(env, argv[7], "conv2d", "relu", 0, 1, &relu, msg, sizeof msg) ||
      !js_read_int(env, argv[8], "conv2d", "threads", 0, 256, &threads, msg, sizeof msg))
    return js_throw(env, msg);
  if (relu && mode != CONV_FORWARD) return js_throw(env, "conv2d: relu is a forward post-op only");
  double xs = (double)s.n * s.h * s.w * s.c, ks = (double)s.kh * s.kw * s.c * s.f, ys = (double)s.n * s.oh * s.ow * s.f;
  double sizes[3][4] = {{xs, ks, (double)s.f, ys}, {ys, ks, 0, xs}, {xs, ys, (double)s.f, ks}};
  operand ops[4];
  for (int i = 0; i < 4; i++) {
    ops[i] = (operand){NAMES[mode][i], off[i], sizes[mode][i]};
    if (!check_operand(&ops[i], (double)length * 4, msg, sizeof msg)) return js_throw(env, msg);
  }
  // Outputs: d, and c in backward weights. None may overlap another operand.
  for (int i = 0; i < 4; i++) {
    int is_output = i == 3 || (i == 2 && mode == CONV_BACKWARD_WEIGHTS);
    for (int j = 0; is_output && j < 4; j++) {
      if (j != i && overlap(&ops[i], &ops[j])) {
        snprintf(msg, sizeof msg, "conv2d: output %s overlaps %s", ops[i].name, ops[j].name);
        return js_throw(env, msg);
      }
    }
  }
#define AT(i) (off[i] < 0 ? NULL : base + off[i] / 4)
  conv_operands op = {.mode = (int)mode, .relu = (int)relu};
  if (mode == CONV_FORWARD) {
    op.x = AT(0), op.w = AT(1), op.bias = AT(2), op.y = AT(3);
  } else if (mode == CONV_BACKWARD_DATA) {
    op.dy = AT(0), op.w = AT(1), op.dx = AT(3);
  } else {
    op.x = AT(0), op.dy = AT(1), op.db = AT(2), op.dw = AT(3);
  }
#undef AT
  sigset_t previous;
  const int own_hold = !tensile_signals_held();
  if (own_hold) block_async_signals(&previous);
  int status = threads == SPLIT_THREADS ? conv_run_split(&s, &op) : conv_run(&s, &op, (int)threads);
  if (own_hold) pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (status > 0) {
    snprintf(msg, sizeof msg, "conv2d: oneDNN failed with status %d", status);
    return js_throw(env, msg);
  }
  napi_value result;
  napi_get_boolean(env, status == CONV_DONE, &result);
  return result;
}

/* convStats(): primitives created, calls computed, calls declined (no fast implementation), the last implementation chosen. */
static napi_value conv_stats_js(napi_env env, napi_callback_info cb) {
  (void)cb;
  conv_stats st;
  conv_get_stats(&st);
  napi_value obj, v;
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_create_double(env, (double)st.created, &v);
  napi_set_named_property(env, obj, "primitives", v);
  napi_create_double(env, (double)st.calls, &v);
  napi_set_named_property(env, obj, "calls", v);
  napi_create_double(env, (double)st.unsupported, &v);
  napi_set_named_property(env, obj, "unsupported", v);
  napi_create_string_utf8(env, st.last_impl, NAPI_AUTO_LENGTH, &v);
  napi_set_named_property(env, obj, "lastImplementation", v);
  return obj;
}

void conv_js_register(napi_env env, napi_value exports) {
  napi_value fn;
  napi_create_function(env, "conv2d", NAPI_AUTO_LENGTH, conv2d_js, NULL, &fn);
  napi_set_named_property(env, exports, "conv2d", fn);
  napi_create_function(env, "convStats", NAPI_AUTO_LENGTH, conv_stats_js, NULL, &fn);
  napi_set_named_property(env, exports, "convStats", fn);
}
