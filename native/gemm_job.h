/*
 * One single-precision product as the BLAS sees it, and the calls every part of the addon makes to the
 * BLAS chosen at build time (oneDNN's dnnl_sgemm or OpenBLAS's cblas_sgemm): row-major,
 * C[m×n] = alpha·op(A)·op(B) + beta·C.
 */
#ifndef TENSILE_GEMM_JOB_H
#define TENSILE_GEMM_JOB_H
#include <stdint.h>

typedef struct {
  int trans_a, trans_b;
  int64_t m, n, k;
  float alpha, beta;
  const float *a;
  int64_t lda;
  const float *b;
  int64_t ldb;
  float *c;
  int64_t ldc;
} gemm_job;

/* Runs the product on the calling thread's current thread count; 0 on success, else the BLAS status. */
int blas_sgemm(const gemm_job *job);

/*
 * Threads the BLAS may use for this thread's next products. oneDNN's OpenMP keeps the count per
 * calling thread (an OpenMP ICV), OpenBLAS keeps one for the whole process.
 */
void blas_set_threads(int threads);

/* The sub-product that computes C's rows [from, to): same B, A and C moved to that row. */
gemm_job gemm_rows(const gemm_job *job, int64_t from, int64_t to);

#endif
