/*
 * The addon's one helper thread: it computes part of a product (a block of C's rows) while the calling
 * thread computes the rest, so a product can use the second core without the BLAS's own thread team.
 * One caller at a time (helper_acquire); other callers compute alone.
 */
#ifndef TENSILE_HELPER_THREAD_H
#define TENSILE_HELPER_THREAD_H
#include <stdint.h>

#include "gemm_job.h"

typedef struct {
  int running;       /* the thread exists in this process */
  const char *error; /* why it could not be started, or NULL */
  int spin_us;       /* how long each side spins for the other before sleeping */
  uint64_t jobs;     /* parts computed by the helper */
  uint64_t spins;    /* jobs the helper caught while spinning (no wake-up needed) */
  uint64_t sleeps;   /* jobs the helper took after sleeping on the futex (spin_us passed idle) */
  uint64_t waits;    /* times the caller slept waiting for the helper to finish its part */
  uint64_t taken_back; /* parts the caller computed itself because the helper had not started them */
} helper_stats;

/* Takes the helper for this thread's product; 0 when another thread has it (compute alone then). */
int helper_acquire(void);
void helper_release(void);

/* Starts the thread if needed (call holding it); 1 when it runs, 0 when it cannot (see error). */
int helper_ensure(void);

/* Offers `job` to the helper; call helper_finish() after computing the caller's own part. */
void helper_submit(const gemm_job *job);
/*
 * Computes the submitted job with `compute` here if the helper has not started it, else waits for the
 * helper (`own_ns`: how long the caller's part took, a guide for how long to spin). Returns the
 * job's BLAS status.
 */
int helper_finish(int (*compute)(const gemm_job *), uint64_t own_ns);
uint64_t helper_now_ns(void);

/*
 * The same for any task (a convolution's half batch): `task(arg)` runs on the helper, or on the caller
 * when helper_finish_task() finds it not started. Returns the task's status.
 */
typedef int (*helper_task)(void *arg);
void helper_submit_task(helper_task task, void *arg);
int helper_finish_task(uint64_t own_ns);

void helper_set_spin_us(int us);
void helper_get_stats(helper_stats *out);

#endif
