/*
 * Convolutions by oneDNN (conv_dnnl.h): one primitive per pass and geometry, created on first use and
 * kept in a small table (a model reuses a handful every step). Activations and gradients stay in the
 * caller's channels-last layout (oneDNN's nhwc: its AVX-512/AVX2 jit and brgemm convolutions read it
 * directly, as PyTorch's channels-last path does); the weights, small, are reordered per call into or
 * out of whatever blocked layout the chosen implementation wants. Each primitive gets its own
 * scratchpad, so one call allocates nothing.
 */
#include "conv_dnnl.h"

#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gemm_job.h"

#define CACHE_SIZE 32

typedef struct {
  int used, mode, relu, has_bias;
  int threads; /* oneDNN plans a primitive for the thread count at its creation */
  int busy;    /* executing (its memories and scratchpad are in use): not to be shared or evicted */
  int unsupported; /* no fast implementation: remembered so the next call declines at once */
  conv_shape s;
  dnnl_primitive_t prim;
  dnnl_primitive_t wreorder; /* hwio ↔ the primitive's weights layout, or NULL when they are equal */
  dnnl_memory_t a, b, out, bias, user_w, prim_w, scratch;
  void *wbuf, *scratch_buf;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static dnnl_engine_t engine = NULL;
static _Thread_local dnnl_stream_t stream = NULL; /* one per thread: a stream is not thread-safe */
static entry cache[CACHE_SIZE];
static int next_victim = 0;
static conv_stats stats;

static void free_entry(entry *e) {
  dnnl_memory_t *mems[] = {&e->a, &e->b, &e->out, &e->bias, &e->user_w, &e->prim_w, &e->scratch};
  for (size_t i = 0; i < sizeof mems / sizeof mems[0]; i++)
    if (*mems[i]) dnnl_memory_destroy(*mems[i]);
  if (e->prim) dnnl_primitive_destroy(e->prim);
  if (e->wreorder) dnnl_primitive_destroy(e->wreorder);
  free(e->wbuf);
  free(e->scratch_buf);
  memset(e, 0, sizeof *e);
}

static void md_tag(dnnl_memory_desc_t *md, int64_t d0, int64_t d1, int64_t d2, int64_t d3, dnnl_format_tag_t t) {
  dnnl_dims_t dims = {d0, d1, d2, d3};
  dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, t);
}

/* The convolution descriptor of one pass; weights in `wtag` (any: the implementation's choice). */
static dnnl_status_t conv_desc(dnnl_convolution_desc_t *d, const conv_shape *s, int mode, int has_bias,
                               dnnl_format_tag_t wtag) {
  dnnl_memory_desc_t src, wts, dst, bias;
  md_tag(&src, s->n, s->c, s->h, s->w, dnnl_nhwc);
  md_tag(&wts, s->f, s->c, s->kh, s->kw, wtag);
  md_tag(&dst, s->n, s->f, s->oh, s->ow, dnnl_nhwc);
  dnnl_dims_t bdims = {s->f};
  dnnl_memory_desc_init_by_tag(&bias, 1, bdims, dnnl_f32, dnnl_a);
  // Keras counts a dilation of 1 as none, oneDNN 0. Bottom/right padding is what the output size
  // needs; a stride that skips the last rows can make it negative, which oneDNN counts as 0.
  int64_t eh = (s->kh - 1) * s->dh + 1, ew = (s->kw - 1) * s->dw + 1;
  int64_t pb = (s->oh - 1) * s->sh + eh - s->h - s->pt, pr = (s->ow - 1) * s->sw + ew - s->w - s->pl;
  dnnl_dims_t strides = {s->sh, s->sw}, dil = {s->dh - 1, s->dw - 1}, pl = {s->pt, s->pl};
  dnnl_dims_t pr2 = {pb > 0 ? pb : 0, pr > 0 ? pr : 0};
  const dnnl_memory_desc_t *b = has_bias ? &bias : NULL;
  dnnl_alg_kind_t alg = dnnl_convolution_direct;
  if (mode == CONV_FORWARD)
    return dnnl_dilated_convolution_forward_desc_init(d, dnnl_forward_training, alg, &src, &wts, b, &dst, strides,
                                                      dil, pl, pr2);
  if (mode == CONV_BACKWARD_DATA)
    return dnnl_dilated_convolution_backward_data_desc_init(d, alg, &src, &wts, &dst, strides, dil, pl, pr2);
  return dnnl_dilated_convolution_backward_weights_desc_init(d, alg, &src, &wts, b, &dst, strides, dil, pl, pr2);
}

static dnnl_memory_t make_memory(const dnnl_memory_desc_t *md) {
  dnnl_memory_t m = NULL;
  if (dnnl_memory_create(&m, md, engine, DNNL_MEMORY_NONE) != dnnl_success) return NULL;
  return m;
}

/*
 * Creates the primitive and its memories for one pass into `e`; CONV_UNSUPPORTED when oneDNN has no
 * implementation but its reference one.
 */
static int create_entry(entry *e, const conv_shape *s, int mode, int relu, int has_bias) {
  dnnl_convolution_desc_t d, fwd_d;
  dnnl_primitive_attr_t attr = NULL;
  dnnl_primitive_desc_t pd = NULL, hint = NULL;
  int result = CONV_UNSUPPORTED;
  if (conv_desc(&d, s, mode, has_bias, dnnl_format_tag_any) != dnnl_success) goto done;
  dnnl_primitive_attr_create(&attr);
  dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user);
  if (relu) {
    dnnl_post_ops_t po;
    dnnl_post_ops_create(&po);
    dnnl_post_ops_append_eltwise(po, 1.0f, dnnl_eltwise_relu, 0.0f, 0.0f);
    dnnl_primitive_attr_set_post_ops(attr, po);
    dnnl_post_ops_destroy(po);
  }
  if (mode != CONV_FORWARD) {
    // Backward passes are created against a forward one (oneDNN picks matching implementations).
    if (conv_desc(&fwd_d, s, CONV_FORWARD, has_bias, dnnl_format_tag_any) != dnnl_success ||
        dnnl_primitive_desc_create(&hint, &fwd_d, NULL, engine, NULL) != dnnl_success)
      goto done;
  }
  if (dnnl_primitive_desc_create(&pd, &d, attr, engine, hint) != dnnl_success) goto done;
  const char *impl = NULL;
  dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &impl);
  if (impl) snprintf(stats.last_impl, sizeof stats.last_impl, "%s", impl);
  // oneDNN's reference loops ("ref:any") are far slower than im2col + GEMM (a 1-channel input
  // declared nchw got them: 975 ms against 1 ms), so such a pass is left to the wasm backend's paths.
  if (!impl || strncmp(impl, "ref", 3) == 0) goto done;
  result = 1; // a failure from here on is oneDNN's, not a missing implementation
  if (dnnl_primitive_create(&e->prim, pd) != dnnl_success) goto done;
  dnnl_query_t wq = mode == CONV_BACKWARD_WEIGHTS ? dnnl_query_diff_weights_md : dnnl_query_weights_md;
  const dnnl_memory_desc_t *wmd = dnnl_primitive_desc_query_md(pd, wq, 0);
  dnnl_memory_desc_t user_wmd;
  md_tag(&user_wmd, s->f, s->c, s->kh, s->kw, dnnl_hwio);
  e->user_w = make_memory(&user_wmd);
  if (!dnnl_memory_desc_equal(wmd, &user_wmd)) {
    e->wbuf = aligned_alloc(64, (dnnl_memory_desc_get_size(wmd) + 63) / 64 * 64);
    if (dnnl_memory_create(&e->prim_w, wmd, engine, e->wbuf) != dnnl_success) goto done;
    dnnl_primitive_desc_t rpd;
    const dnnl_memory_desc_t *from = mode == CONV_BACKWARD_WEIGHTS ? wmd : &user_wmd;
    const dnnl_memory_desc_t *to = mode == CONV_BACKWARD_WEIGHTS ? &user_wmd : wmd;
    if (dnnl_reorder_primitive_desc_create(&rpd, from, engine, to, engine, NULL) != dnnl_success) goto done;
    dnnl_status_t st = dnnl_primitive_create(&e->wreorder, rpd);
    dnnl_primitive_desc_destroy(rpd);
    if (st != dnnl_success) goto done;
  }
  const dnnl_memory_desc_t *smd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
  size_t sbytes = smd ? dnnl_memory_desc_get_size(smd) : 0;
  if (sbytes > 0) {
    e->scratch_buf = aligned_alloc(64, (sbytes + 63) / 64 * 64);
    if (dnnl_memory_create(&e->scratch, smd, engine, e->scratch_buf) != dnnl_success) goto done;
  }
  // The activations' memories: a = x or dy, b = dy (backward weights), out = y, dx (dw is prim_w/user_w).
  dnnl_memory_desc_t xmd, ymd, bmd;
  md_tag(&xmd, s->n, s->c, s->h, s->w, dnnl_nhwc);
  md_tag(&ymd, s->n, s->f, s->oh, s->ow, dnnl_nhwc);
  dnnl_dims_t bdims = {s->f};
  dnnl_memory_desc_init_by_tag(&bmd, 1, bdims, dnnl_f32, dnnl_a);
  e->a = make_memory(mode == CONV_BACKWARD_DATA ? &ymd : &xmd);
  e->b = make_memory(&ymd);
  e->out = make_memory(mode == CONV_BACKWARD_DATA ? &xmd : &ymd);
  e->bias = make_memory(&bmd);
  if (!e->a || !e->b || !e->out || !e->bias || !e->user_w) goto done;
  e->used = 1;
  e->s = *s;
  e->mode = mode;
  e->relu = relu;
  e->has_bias = has_bias;
  stats.created++;
  result = CONV_DONE;
done:
  if (attr) dnnl_primitive_attr_destroy(attr);
  if (pd) dnnl_primitive_desc_destroy(pd);
  if (hint) dnnl_primitive_desc_destroy(hint);
  if (result != CONV_DONE) free_entry(e);
  return result;
}

/* A free entry for this pass (another thread executing one of the same shape gets its own). */
static entry *find_entry(const conv_shape *s, int mode, int relu, int has_bias, int threads, int *status) {
  for (int i = 0; i < CACHE_SIZE; i++) {
    entry *e = &cache[i];
    if (e->used && !e->busy && e->mode == mode && e->relu == relu && e->has_bias == has_bias &&
        e->threads == threads && !memcmp(&e->s, s, sizeof *s)) {
      if (!e->unsupported) return e;
      *status = CONV_UNSUPPORTED;
      return NULL;
    }
  }
  int at = -1;
  for (int i = 0; i < CACHE_SIZE && at < 0; i++)
    if (!cache[i].used) at = i;
  for (int tries = 0; at < 0 && tries < CACHE_SIZE; tries++) {
    int victim = next_victim;
    next_victim = (next_victim + 1) % CACHE_SIZE;
    if (!cache[victim].busy) at = victim;
  }
  if (at < 0) { // every entry executing: would take 32 threads at once
    *status = 1;
    return NULL;
  }
  free_entry(&cache[at]);
  entry *e = &cache[at];
  *status = create_entry(e, s, mode, relu, has_bias);
  if (*status == CONV_UNSUPPORTED) *e = (entry){.used = 1, .unsupported = 1, .mode = mode, .relu = relu, .has_bias = has_bias, .s = *s};
  e->threads = threads;
  return *status == CONV_DONE ? e : NULL;
}

static dnnl_status_t reorder(entry *e, dnnl_stream_t stream) {
  dnnl_exec_arg_t args[2] = {{DNNL_ARG_FROM, e->mode == CONV_BACKWARD_WEIGHTS ? e->prim_w : e->user_w},
                             {DNNL_ARG_TO, e->mode == CONV_BACKWARD_WEIGHTS ? e->user_w : e->prim_w}};
  return dnnl_primitive_execute(e->wreorder, stream, 2, args);
}

static dnnl_status_t execute(entry *e, const conv_operands *op, dnnl_stream_t stream) {
  dnnl_exec_arg_t args[6];
  int n = 0;
  dnnl_memory_t w = e->wreorder ? e->prim_w : e->user_w;
  dnnl_status_t st = dnnl_success;
  if (op->mode == CONV_FORWARD) {
    dnnl_memory_set_data_handle(e->a, (void *)op->x);
    dnnl_memory_set_data_handle(e->out, op->y);
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_SRC, e->a};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DST, e->out};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, w};
    if (e->has_bias) {
      dnnl_memory_set_data_handle(e->bias, (void *)op->bias);
      args[n++] = (dnnl_exec_arg_t){DNNL_ARG_BIAS, e->bias};
    }
  } else if (op->mode == CONV_BACKWARD_DATA) {
    dnnl_memory_set_data_handle(e->a, (void *)op->dy);
    dnnl_memory_set_data_handle(e->out, op->dx);
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, e->a};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_SRC, e->out};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_WEIGHTS, w};
  } else {
    dnnl_memory_set_data_handle(e->a, (void *)op->x);
    dnnl_memory_set_data_handle(e->b, (void *)op->dy);
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_SRC, e->a};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_DST, e->b};
    args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_WEIGHTS, w};
    if (e->has_bias) {
      dnnl_memory_set_data_handle(e->bias, op->db);
      args[n++] = (dnnl_exec_arg_t){DNNL_ARG_DIFF_BIAS, e->bias};
    }
  }
  if (e->scratch) args[n++] = (dnnl_exec_arg_t){DNNL_ARG_SCRATCHPAD, e->scratch};
  const float *user_w = op->mode == CONV_BACKWARD_WEIGHTS ? op->dw : op->w;
  dnnl_memory_set_data_handle(e->user_w, (void *)user_w);
  if (e->wreorder && op->mode != CONV_BACKWARD_WEIGHTS) st = reorder(e, stream);
  if (st == dnnl_success) st = dnnl_primitive_execute(e->prim, stream, n, args);
  if (st == dnnl_success && e->wreorder && op->mode == CONV_BACKWARD_WEIGHTS) st = reorder(e, stream);
  return st;
}

/* An empty batch: nothing to compute, and the weight gradients are zero. */
static void empty_batch(const conv_shape *s, const conv_operands *op) {
  if (op->mode != CONV_BACKWARD_WEIGHTS) return;
  memset(op->dw, 0, (size_t)(s->kh * s->kw * s->c * s->f) * sizeof(float));
  if (op->db) memset(op->db, 0, (size_t)s->f * sizeof(float));
}

static int ensure_engine(void) {
  if (!engine && dnnl_engine_create(&engine, dnnl_cpu, 0) != dnnl_success) return 0;
  return stream || dnnl_stream_create(&stream, engine, dnnl_stream_default_flags) == dnnl_success;
}

int conv_run(const conv_shape *s, const conv_operands *op, int threads) {
  if (s->n == 0) {
    empty_batch(s, op);
    return CONV_DONE;
  }
  // The table is shared; execution is not (each thread executes its own entries on its own stream).
  pthread_mutex_lock(&lock);
  int status = CONV_DONE;
  entry *e = NULL;
  blas_set_threads(threads);
  if (!ensure_engine()) {
    status = 1;
  } else {
    int has_bias = op->mode == CONV_FORWARD ? op->bias != NULL : op->mode == CONV_BACKWARD_WEIGHTS && op->db;
    e = find_entry(s, op->mode, op->mode == CONV_FORWARD && op->relu, has_bias, threads, &status);
    if (e) e->busy = 1;
    if (status == CONV_UNSUPPORTED) stats.unsupported++;
  }
  pthread_mutex_unlock(&lock);
  if (!e) return status;
  dnnl_status_t st = execute(e, op, stream);
  pthread_mutex_lock(&lock);
  e->busy = 0;
  stats.calls++;
  pthread_mutex_unlock(&lock);
  return st == dnnl_success ? CONV_DONE : (int)st;
}

void conv_get_stats(conv_stats *out) {
  pthread_mutex_lock(&lock);
  *out = stats;
  pthread_mutex_unlock(&lock);
}
