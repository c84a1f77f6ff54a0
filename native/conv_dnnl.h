/*
 * 2-D convolutions by oneDNN's convolution primitives on caller-owned f32 memory (the wasm memory),
 * channels last: x [n, h, w, c] (oneDNN nhwc), kernel [kh, kw, c, f] (Keras' layout, oneDNN hwio),
 * y [n, oh, ow, f], bias [f]. Only in the oneDNN build; the OpenBLAS build has no convolutions.
 */
#ifndef TENSILE_CONV_DNNL_H
#define TENSILE_CONV_DNNL_H
#include <stdint.h>

/* One convolution's geometry. Dilations are Keras' (1 = none); padding bottom/right are derived. */
typedef struct {
  int64_t n, h, w, c, f, kh, kw, sh, sw, dh, dw, pt, pl, oh, ow;
} conv_shape;

enum { CONV_FORWARD = 0, CONV_BACKWARD_DATA = 1, CONV_BACKWARD_WEIGHTS = 2 };

/* The operands of one call; unused ones are NULL. */
typedef struct {
  int mode;
  int relu;          /* forward only: relu as a post-op */
  const float *x;    /* forward, backward weights */
  const float *w;    /* forward, backward data */
  const float *bias; /* forward: optional */
  const float *dy;   /* backward data, backward weights */
  float *y;          /* forward */
  float *dx;         /* backward data */
  float *dw;         /* backward weights */
  float *db;         /* backward weights: optional */
} conv_operands;

/* Status of conv_run: done, or oneDNN has no implementation for this shape (the caller falls back). */
#define CONV_DONE 0
#define CONV_UNSUPPORTED (-1)

/*
 * Computes one convolution pass on `threads` OpenMP threads of the calling thread. Returns CONV_DONE,
 * CONV_UNSUPPORTED, or a positive dnnl_status_t when execution failed. Thread-safe: threads running at
 * once each get their own primitive.
 */
int conv_run(const conv_shape *s, const conv_operands *op, int threads);

/*
 * The batch split in two halves: images [0, ⌈n/2⌉) on the calling thread, the rest on the addon's
 * helper thread (or after the first half on the caller when the helper is busy or not started), one
 * OpenMP thread each; the weight gradients of the halves are added, first + second. The result
 * depends on n only, never on which thread computed what.
 */
int conv_run_split(const conv_shape *s, const conv_operands *op);

/* Primitives created, calls computed and calls declined (no fast implementation), for debugging. */
typedef struct {
  uint64_t created, calls, unsupported;
  char last_impl[96]; /* the implementation oneDNN chose for the primitive created last */
} conv_stats;
void conv_get_stats(conv_stats *out);

#endif
