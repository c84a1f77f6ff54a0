/*
 * Tensile's optional native GEMM: single-precision C = alpha·op(A)·op(B) + beta·C computed in place on
 * the WebAssembly backend's linear memory. JavaScript passes a Float32Array that views the whole
 * memory (an ArrayBuffer or a SharedArrayBuffer) and byte offsets into it, so no operand is copied.
 *
 * Every argument is checked here, before any memory is touched: a bad call (wrong types, negative
 * sizes, a leading dimension shorter than a row, an operand that runs past the end of the buffer, an
 * output overlapping an input) throws a JavaScript error naming the problem and computes nothing.
 *
 * Built by native/build.mjs against one BLAS, chosen at compile time:
 *   TENSILE_BLAS_DNNL      oneDNN's dnnl_sgemm (picks AVX-512/AVX2 kernels at run time; OpenMP threads)
 *   TENSILE_BLAS_OPENBLAS  OpenBLAS's cblas_sgemm
 * This file holds the JavaScript interface; the BLAS calls are in blas_call.c, the row split across a
 * helper thread in split_plan.c and helper_thread.c. The oneDNN build also computes convolutions
 * (conv_js.c, conv_dnnl.c); `convolutions` says whether this build has them.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "gemm_job.h"
#include "helper_thread.h"
#include "js_args.h"
#include "malloc_tuning.h"
#include "signals.h"
#include "split_plan.h"

#if defined(TENSILE_BLAS_DNNL)
#include <oneapi/dnnl/dnnl.h>
extern int omp_get_max_threads(void); /* libgomp's, as in blas_call.c */
void conv_js_register(napi_env env, napi_value exports); /* conv_js.c */
#elif defined(TENSILE_BLAS_OPENBLAS)
#include <cblas.h>
#else
#error "define TENSILE_BLAS_DNNL or TENSILE_BLAS_OPENBLAS (native/build.mjs does)"
#endif

/* Bumped whenever the JavaScript-facing interface changes; the loader refuses any other value. */
#define TENSILE_NATIVE_ABI 5
#define SGEMM_ARGS 15
/* No dimension, leading dimension or thread count above this is accepted (wasm32 memory is 4 GiB). */
#define MAX_DIM 0x7fffffffLL
/* The `threads` argument that asks for a row split across the helper thread (split_plan.c). */
#define SPLIT_THREADS 0

/*
 * Why signals are held during a product: oneDNN 2.6's sgemm (Debian's libdnnl) corrupts the C heap when
 * a signal handler runs on a thread while it computes ("corrupted size vs. prev_size", then abort),
 * reproduced in plain C with a SIGPROF or SIGALRM timer and no Node at all. Node installs handlers
 * (the --cpu-prof sampler's SIGPROF, libuv's SIGCHLD and SIGWINCH, process.on('SIGINT')), so training
 * under the profiler crashed. Holding the asynchronous signals defers them (they are delivered as soon
 * as the mask is restored); the OpenMP threads, created inside the first parallel call, inherit the
 * mask and never take process signals. Faults the CPU raises (SIGSEGV, SIGBUS, SIGFPE, SIGILL) stay
 * deliverable.
 *
 * A mask change is a system call, 1.2 µs each on the VMs measured (more than a small product), so
 * JavaScript may hold signals across several products with holdSignals()/releaseSignals() (the wasm
 * backend does, for at most a few milliseconds); sgemm holds them itself only when its caller has not.
 * Masks are per thread, so the state is too.
 */
static _Thread_local int signals_held = 0;
static _Thread_local sigset_t mask_before_hold;

static void hold_signals(sigset_t *previous) { block_async_signals(previous); }

int tensile_signals_held(void) { return signals_held; }

/* holdSignals(): defers asynchronous signals on this thread until releaseSignals(). Idempotent. */
static napi_value hold_signals_js(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  if (!signals_held) {
    hold_signals(&mask_before_hold);
    signals_held = 1;
  }
  return NULL;
}

/* releaseSignals(): restores the mask holdSignals() found; pending signals are delivered now. */
static napi_value release_signals_js(napi_env env, napi_callback_info info) {
  (void)env;
  (void)info;
  if (signals_held) {
    signals_held = 0;
    pthread_sigmask(SIG_SETMASK, &mask_before_hold, NULL);
  }
  return NULL;
}

/* One operand as stored: `rows` × `cols` row-major with leading dimension `ld`, at byte `offset`. */
typedef struct {
  const char *name;
  int64_t offset, rows, cols, ld;
} stored_matrix;

/* Bytes from the operand's first element to one past its last (0 when it has no elements). */
static int64_t extent_bytes(const stored_matrix *s) {
  if (s->rows == 0 || s->cols == 0) return 0;
  return ((s->rows - 1) * s->ld + s->cols) * 4;
}

static int check_matrix(const stored_matrix *s, int64_t buffer_bytes, char *msg, size_t msg_len) {
  if (s->offset % 4 != 0) {
    snprintf(msg, msg_len, "sgemm: %s offset %lld is not a multiple of 4 bytes", s->name, (long long)s->offset);
    return 0;
  }
  int64_t min_ld = s->cols > 1 ? s->cols : 1;
  if (s->ld < min_ld) {
    snprintf(msg, msg_len, "sgemm: %s leading dimension %lld < %lld (its stored row length)", s->name,
             (long long)s->ld, (long long)min_ld);
    return 0;
  }
  int64_t end = s->offset + extent_bytes(s);
  if (end > buffer_bytes) {
    snprintf(msg, msg_len, "sgemm: %s [%lld×%lld, ld %lld] at byte %lld ends at byte %lld, past the buffer's %lld",
             s->name, (long long)s->rows, (long long)s->cols, (long long)s->ld, (long long)s->offset,
             (long long)end, (long long)buffer_bytes);
    return 0;
  }
  return 1;
}

static int overlaps(const stored_matrix *x, const stored_matrix *y) {
  int64_t xe = extent_bytes(x), ye = extent_bytes(y);
  if (xe == 0 || ye == 0) return 0;
  return x->offset < y->offset + ye && y->offset < x->offset + xe;
}

/*
 * sgemm(memory: Float32Array, transA: 0|1, transB: 0|1, m, n, k, alpha, aOffset, lda, bOffset, ldb,
 *       beta, cOffset, ldc, threads): C[m×n] = alpha·op(A)·op(B) + beta·C, row-major, offsets in bytes
 * from the start of `memory`. op(A) is m×k: A is stored m×k, or k×m when transA. `threads` is the
 * BLAS's thread count, or 0 to split C's rows between this thread and the helper thread (one BLAS
 * thread each; only for shapes where that gives the same bits, see split_plan.c).
 */
static napi_value sgemm(napi_env env, napi_callback_info info) {
  napi_value argv[SGEMM_ARGS];
  char msg[256];
  if (!js_read_args(env, info, "sgemm", argv, SGEMM_ARGS, msg, sizeof msg)) return js_throw(env, msg);
  float *base = NULL;
  size_t length = 0;
  if (!js_read_memory(env, argv[0], "sgemm", &base, &length, msg, sizeof msg)) return js_throw(env, msg);

  static const char *names[SGEMM_ARGS] = {"memory", "transA", "transB", "m",    "n",    "k",   "alpha",  "aOffset",
                                          "lda",    "bOffset", "ldb",   "beta", "cOffset", "ldc", "threads"};
  int64_t v[SGEMM_ARGS] = {0};
  static const int int_args[] = {1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 14};
  for (size_t i = 0; i < sizeof int_args / sizeof int_args[0]; i++) {
    int a = int_args[i];
    int is_offset = a == 7 || a == 9 || a == 12;
    int64_t hi = a <= 2 ? 1 : a == 14 ? 256 : is_offset ? MAX_DIM * 4 : MAX_DIM;
    int64_t lo = 0;
    if (!js_read_int(env, argv[a], "sgemm", names[a], lo, hi, &v[a], msg, sizeof msg)) return js_throw(env, msg);
  }
  double alpha, beta;
  napi_valuetype t1, t2;
  napi_typeof(env, argv[6], &t1);
  napi_typeof(env, argv[11], &t2);
  if (t1 != napi_number || t2 != napi_number || napi_get_value_double(env, argv[6], &alpha) != napi_ok ||
      napi_get_value_double(env, argv[11], &beta) != napi_ok || alpha != alpha || beta != beta)
    return js_throw(env, "sgemm: alpha and beta must be numbers (not NaN)");
  int trans_a = (int)v[1], trans_b = (int)v[2];
  int64_t m = v[3], n = v[4], k = v[5];
  stored_matrix a = {"A", v[7], trans_a ? k : m, trans_a ? m : k, v[8]};
  stored_matrix b = {"B", v[9], trans_b ? n : k, trans_b ? k : n, v[10]};
  stored_matrix c = {"C", v[12], m, n, v[13]};
  int64_t buffer_bytes = (int64_t)length * 4;
  if (!check_matrix(&a, buffer_bytes, msg, sizeof msg) || !check_matrix(&b, buffer_bytes, msg, sizeof msg) ||
      !check_matrix(&c, buffer_bytes, msg, sizeof msg))
    return js_throw(env, msg);
  if (k > 0 && (overlaps(&c, &a) || overlaps(&c, &b)))
    return js_throw(env, "sgemm: C overlaps A or B (the product cannot be written over its inputs)");
  if (m == 0 || n == 0) return NULL;

  float *pc = base + c.offset / 4;
  if (k == 0) {
    // C = beta·C: no product to add (BLAS libraries disagree on whether K = 0 is legal).
    for (int64_t i = 0; i < m; i++)
      for (int64_t j = 0; j < n; j++) pc[i * c.ld + j] = beta == 0 ? 0.0f : (float)(beta * pc[i * c.ld + j]);
    return NULL;
  }
  const float *pa = base + a.offset / 4;
  const float *pb = base + b.offset / 4;
  sigset_t previous;
  const int own_hold = !signals_held;
  if (own_hold) hold_signals(&previous);
  gemm_job job = {.trans_a = trans_a, .trans_b = trans_b, .m = m, .n = n, .k = k, .alpha = (float)alpha,
                  .beta = (float)beta, .a = pa, .lda = a.ld, .b = pb, .ldb = b.ld, .c = pc, .ldc = c.ld};
  int status;
  if (v[14] == SPLIT_THREADS) {
    status = split_sgemm(&job);
  } else {
    blas_set_threads((int)v[14]);
    status = blas_sgemm(&job);
  }
  if (own_hold) pthread_sigmask(SIG_SETMASK, &previous, NULL);
  if (status != 0) {
    snprintf(msg, sizeof msg, "sgemm: the BLAS failed with status %d", status);
    return js_throw(env, msg);
  }
  return NULL;
}

#if defined(TENSILE_BLAS_DNNL)
static const char *isa_name(dnnl_cpu_isa_t isa) {
  switch (isa) {
    case dnnl_cpu_isa_sse41: return "sse41";
    case dnnl_cpu_isa_avx: return "avx";
    case dnnl_cpu_isa_avx2: return "avx2";
    case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    case dnnl_cpu_isa_avx512_core: return "avx512_core";
    case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
    case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
    case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
    default: return "other";
  }
}
#endif

static int set_string(napi_env env, napi_value obj, const char *key, const char *value) {
  napi_value s;
  return napi_create_string_utf8(env, value, NAPI_AUTO_LENGTH, &s) == napi_ok &&
         napi_set_named_property(env, obj, key, s) == napi_ok;
}

/* info(): { library, version, kernel, maxThreads } — what `tensile info` prints. */
static napi_value library_info(napi_env env, napi_callback_info cb) {
  (void)cb;
  napi_value obj, threads;
  char version[64];
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
#if defined(TENSILE_BLAS_DNNL)
  const dnnl_version_t *ver = dnnl_version();
  snprintf(version, sizeof version, "%d.%d.%d", ver->major, ver->minor, ver->patch);
  set_string(env, obj, "library", "onednn");
  set_string(env, obj, "kernel", isa_name(dnnl_get_effective_cpu_isa()));
  int max_threads = omp_get_max_threads();
#else
  // The config string reads "OpenBLAS 0.3.21 DYNAMIC_ARCH ..."; keep the version number.
  if (sscanf(openblas_get_config(), "OpenBLAS %63s", version) != 1) snprintf(version, sizeof version, "unknown");
  set_string(env, obj, "library", "openblas");
  set_string(env, obj, "kernel", openblas_get_corename());
  int max_threads = openblas_get_num_threads();
#endif
  set_string(env, obj, "version", version);
  napi_create_int32(env, max_threads, &threads);
  napi_set_named_property(env, obj, "maxThreads", threads);
  return obj;
}

static void set_number(napi_env env, napi_value obj, const char *key, double value) {
  napi_value v;
  if (napi_create_double(env, value, &v) == napi_ok) napi_set_named_property(env, obj, key, v);
}

/* helperStats(): the helper thread's state and counters, for `tensile info` and debugging. */
static napi_value helper_stats_js(napi_env env, napi_callback_info cb) {
  (void)cb;
  helper_stats h;
  split_stats s;
  napi_value obj, flag, error;
  helper_get_stats(&h);
  split_get_stats(&s);
  if (napi_create_object(env, &obj) != napi_ok) return NULL;
  napi_get_boolean(env, h.running, &flag);
  napi_set_named_property(env, obj, "running", flag);
  if (h.error)
    napi_create_string_utf8(env, h.error, NAPI_AUTO_LENGTH, &error);
  else
    napi_get_null(env, &error);
  napi_set_named_property(env, obj, "error", error);
  set_number(env, obj, "spinMicros", h.spin_us);
  set_number(env, obj, "splits", (double)s.splits);
  set_number(env, obj, "whole", (double)s.whole);
  set_number(env, obj, "busy", (double)s.busy);
  set_number(env, obj, "verifiedShapes", s.verified);
  set_number(env, obj, "refusedShapes", s.refused);
  set_number(env, obj, "helperJobs", (double)h.jobs);
  set_number(env, obj, "spins", (double)h.spins);
  set_number(env, obj, "sleeps", (double)h.sleeps);
  set_number(env, obj, "callerSleeps", (double)h.waits);
  set_number(env, obj, "takenBack", (double)h.taken_back);
  return obj;
}

/* setHelperSpin(us): how long the helper and its caller spin for each other before sleeping. */
static napi_value set_helper_spin_js(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg;
  int64_t us;
  char msg[160];
  if (napi_get_cb_info(env, info, &argc, &arg, NULL, NULL) != napi_ok || argc != 1)
    return js_throw(env, "setHelperSpin: expected 1 argument (microseconds)");
  if (!js_read_int(env, arg, "setHelperSpin", "spin microseconds", 0, 1000000, &us, msg, sizeof msg)) return js_throw(env, msg);
  helper_set_spin_us((int)us);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_value fn, abi;
  napi_create_function(env, "sgemm", NAPI_AUTO_LENGTH, sgemm, NULL, &fn);
  napi_set_named_property(env, exports, "sgemm", fn);
  napi_create_function(env, "holdSignals", NAPI_AUTO_LENGTH, hold_signals_js, NULL, &fn);
  napi_set_named_property(env, exports, "holdSignals", fn);
  napi_create_function(env, "releaseSignals", NAPI_AUTO_LENGTH, release_signals_js, NULL, &fn);
  napi_set_named_property(env, exports, "releaseSignals", fn);
  napi_create_function(env, "info", NAPI_AUTO_LENGTH, library_info, NULL, &fn);
  napi_set_named_property(env, exports, "info", fn);
  napi_create_function(env, "helperStats", NAPI_AUTO_LENGTH, helper_stats_js, NULL, &fn);
  napi_set_named_property(env, exports, "helperStats", fn);
  napi_create_function(env, "setHelperSpin", NAPI_AUTO_LENGTH, set_helper_spin_js, NULL, &fn);
  napi_set_named_property(env, exports, "setHelperSpin", fn);
  napi_create_function(env, "tuneMalloc", NAPI_AUTO_LENGTH, tune_malloc_js, NULL, &fn);
  napi_set_named_property(env, exports, "tuneMalloc", fn);
  napi_create_int32(env, TENSILE_NATIVE_ABI, &abi);
  napi_set_named_property(env, exports, "abi", abi);
  napi_value has_conv;
#if defined(TENSILE_BLAS_DNNL)
  conv_js_register(env, exports);
  napi_get_boolean(env, true, &has_conv);
#else
  napi_get_boolean(env, false, &has_conv);
#endif
  napi_set_named_property(env, exports, "convolutions", has_conv);
  return exports;
}

NAPI_MODULE_INIT() { return init(env, exports); }
