/* The BLAS calls of gemm_job.h, for the library native/build.mjs compiles against. */
#include "gemm_job.h"

#if defined(TENSILE_BLAS_DNNL)
#include <oneapi/dnnl/dnnl.h>
/* libgomp's thread control (oneDNN's Debian build uses the OpenMP runtime). Declared here rather than
 * through <omp.h> so the build needs no -fopenmp. */
extern void omp_set_num_threads(int n);
#elif defined(TENSILE_BLAS_OPENBLAS)
#include <cblas.h>
#else
#error "define TENSILE_BLAS_DNNL or TENSILE_BLAS_OPENBLAS (native/build.mjs does)"
#endif

/* The count last set on this thread (0: never set, the library's default of every core). */
static _Thread_local int current_threads = 0;

void blas_set_threads(int threads) {
  if (threads == current_threads) return;
#if defined(TENSILE_BLAS_DNNL)
  omp_set_num_threads(threads);
#else
  openblas_set_num_threads(threads);
#endif
  current_threads = threads;
}

int blas_sgemm(const gemm_job *j) {
#if defined(TENSILE_BLAS_DNNL)
  dnnl_status_t status = dnnl_sgemm(j->trans_a ? 'T' : 'N', j->trans_b ? 'T' : 'N', j->m, j->n, j->k, j->alpha,
                                    j->a, j->lda, j->b, j->ldb, j->beta, j->c, j->ldc);
  return status == dnnl_success ? 0 : (int)status;
#else
  cblas_sgemm(CblasRowMajor, j->trans_a ? CblasTrans : CblasNoTrans, j->trans_b ? CblasTrans : CblasNoTrans,
              (int)j->m, (int)j->n, (int)j->k, j->alpha, j->a, (int)j->lda, j->b, (int)j->ldb, j->beta, j->c,
              (int)j->ldc);
  return 0;
#endif
}

gemm_job gemm_rows(const gemm_job *job, int64_t from, int64_t to) {
  gemm_job part = *job;
  part.m = to - from;
  // op(A)'s row i is stored row i of A, or stored column i when A is transposed.
  part.a = job->a + (job->trans_a ? from : from * job->lda);
  part.c = job->c + from * job->ldc;
  return part;
}
