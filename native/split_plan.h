/*
 * Row-split products: C's rows in two blocks, one computed by the calling thread, one by the helper
 * thread, each with a single-threaded BLAS call. Only shapes whose split result is bit-identical to
 * the one-call product are split (a BLAS may block a 64-row product differently from a 128-row one);
 * each shape is checked on its first call and the verdict kept.
 */
#ifndef TENSILE_SPLIT_PLAN_H
#define TENSILE_SPLIT_PLAN_H
#include <stdint.h>

#include "gemm_job.h"

typedef struct {
  uint64_t splits;   /* products computed split */
  uint64_t whole;    /* products asked to split but computed in one call (see the others) */
  uint64_t busy;     /* ... because another thread had the helper */
  int verified;      /* shapes found identical when split (and where) */
  int refused;       /* shapes that differ at every split row tried */
} split_stats;

/*
 * C = alpha·op(A)·op(B) + beta·C split across the helper when allowed, else in one call, always on one
 * BLAS thread per caller. Returns 0 or the BLAS status.
 */
int split_sgemm(const gemm_job *job);

void split_get_stats(split_stats *out);

#endif
