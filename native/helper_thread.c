/*
 * Hand-off between the calling thread and the helper through two words: job_state holds the job's
 * sequence number and a `taken` bit, done_seq the number of the last job the helper finished. The
 * caller publishes a job by storing a new number with `taken` clear; whichever thread sets `taken`
 * first (compare-and-swap) computes the job. The caller computes its own part first and then tries to
 * take the helper's part itself: a helper that is asleep or was descheduled costs no waiting, only
 * the split's gain (measured: a futex wake-up of a sleeping vCPU took longer than 100 µs on the loaded
 * 2-vCPU VM, longer than half a B1 product). Whoever waits spins for a bounded time, then raises its
 * `sleeping` flag and sleeps on the futex; the other side wakes it only when that flag is up. Both
 * sides store their word and then read the other's flag (sequentially consistent), so a wake-up
 * cannot be lost.
 *
 * Why a thread of our own rather than the BLAS's OpenMP team: that team's threads kept spinning or
 * waking between products and slowed the main thread's non-GEMM work (see native-loader.ts). This
 * thread spins only spin_us after a part, then sleeps until the next split product.
 *
 * Signals: the thread blocks every asynchronous signal for its whole life (oneDNN must not be
 * interrupted by a handler), and it is created with them blocked so none can arrive before that.
 * Exit: it is detached and holds no lock between jobs, so process exit simply ends it. Fork: the child
 * has no helper; an atfork handler resets the state so the child starts its own when needed.
 */
#define _GNU_SOURCE
#include "helper_thread.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "signals.h"

/*
 * How long each side spins before sleeping (TENSILE_NATIVE_SPIN_US through helper_set_spin_us). B1
 * training with the split, 2026-12-03 (machine loaded, bench given real-time priority, spinning
 * without yielding): spin 30 and 100 µs 4-10% faster than one thread in all pairs, 300 and 1000 µs
 * mixed. Training's gaps between products mostly exceed 100 µs (the helper slept before ~60% of its
 * parts), so longer spins mostly burn the second core; past YIELD_AFTER_NS the spin yields the core
 * to any other runnable thread, so on a busy machine the caller mostly takes its parts back instead.
 */
#define DEFAULT_SPIN_US 100
/* Pure spinning (no yield) for this long: a part handed over within it is caught in under a µs. */
#define YIELD_AFTER_NS 20000u

static pthread_mutex_t owner = PTHREAD_MUTEX_INITIALIZER;
static int running = 0;
static const char *start_error = NULL;
static char start_error_text[160];
static _Atomic int spin_us = DEFAULT_SPIN_US;

/* (sequence number << 1) | taken */
static _Atomic uint32_t job_state = 1, done_seq = 0;
static _Atomic int helper_sleeping = 0, caller_sleeping = 0;
static gemm_job pending;
static helper_task pending_task = NULL; /* set: the job is pending_task(pending_arg), not `pending` */
static void *pending_arg = NULL;
static int pending_status = 0;
static _Atomic uint64_t n_jobs = 0, n_spins = 0, n_sleeps = 0, n_waits = 0, n_taken_back = 0;

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

uint64_t helper_now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void futex(_Atomic uint32_t *word, int op, uint32_t value) {
  syscall(SYS_futex, (uint32_t *)word, op, value, NULL, NULL, 0);
}

/*
 * Waits until *word != seen, spinning at most spin_ns (yielding the core after YIELD_AFTER_NS when
 * `yield`); returns 1 if it had to sleep, 0 if not.
 */
static int wait_for_change(_Atomic uint32_t *word, uint32_t seen, _Atomic int *sleeping, uint64_t spin_ns,
                           int yield) {
  uint64_t start = helper_now_ns(), deadline = start + spin_ns;
  for (;;) {
    for (int i = 0; i < 64; i++) {
      if (atomic_load_explicit(word, memory_order_acquire) != seen) return 0;
      cpu_relax();
    }
    uint64_t now = helper_now_ns();
    if (now >= deadline) break;
    // After the first YIELD_AFTER_NS, offer the core to any other runnable thread (V8's GC and
    // compiler threads, other processes) on each round: spinning then costs an idle core only.
    if (yield && now - start > YIELD_AFTER_NS) sched_yield();
  }
  atomic_store(sleeping, 1);
  while (atomic_load(word) == seen) futex(word, FUTEX_WAIT_PRIVATE, seen);
  atomic_store(sleeping, 0);
  return 1;
}

static void publish(_Atomic uint32_t *word, uint32_t value, _Atomic int *sleeping) {
  atomic_store(word, value);
  if (atomic_load(sleeping)) futex(word, FUTEX_WAKE_PRIVATE, 1);
}

static uint64_t spin_ns(void) { return (uint64_t)atomic_load_explicit(&spin_us, memory_order_relaxed) * 1000u; }

static void *helper_main(void *arg) {
  uint32_t seen = (uint32_t)(uintptr_t)arg;
  block_async_signals(NULL);
  pthread_setname_np(pthread_self(), "tensile-helper"); // as ps, top and the tests see it
  blas_set_threads(1); // this thread's OpenMP default would be every core
  for (;;) {
    int slept = wait_for_change(&job_state, seen, &helper_sleeping, spin_ns(), 1);
    seen = atomic_load(&job_state);
    // Take the newest job unless the caller took it back; a failed exchange reloads `seen` (a newer
    // job may have been published meanwhile), so try again.
    while (!(seen & 1) && !atomic_compare_exchange_strong(&job_state, &seen, seen | 1)) {
    }
    if (seen & 1) continue; // taken back by the caller
    seen |= 1;
    atomic_fetch_add(slept ? &n_sleeps : &n_spins, 1);
    pending_status = pending_task ? pending_task(pending_arg) : blas_sgemm(&pending);
    atomic_fetch_add(&n_jobs, 1);
    publish(&done_seq, seen >> 1, &caller_sleeping);
  }
  return NULL;
}

/* In a forked child only the forking thread exists: forget the parent's helper and its lock. */
static void reset_in_child(void) {
  pthread_mutex_init(&owner, NULL);
  running = 0;
  start_error = NULL;
  atomic_store(&job_state, 1);
  atomic_store(&done_seq, 0);
  atomic_store(&helper_sleeping, 0);
  atomic_store(&caller_sleeping, 0);
}

int helper_acquire(void) { return pthread_mutex_trylock(&owner) == 0; }

void helper_release(void) { pthread_mutex_unlock(&owner); }

int helper_ensure(void) {
  static int atfork_registered = 0;
  if (running) return 1;
  if (start_error) return 0;
  if (!atfork_registered) {
    pthread_atfork(NULL, NULL, reset_in_child);
    atfork_registered = 1;
  }
  // Test hook (helper-thread tests): behave as if the system refused a new thread.
  const char *fake = getenv("TENSILE_NATIVE_HELPER_FAIL");
  int err = fake && fake[0] == '1' ? EAGAIN : 0;
  if (!err) {
    pthread_attr_t attr;
    pthread_t thread;
    sigset_t previous;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    block_async_signals(&previous); // the new thread starts with this mask
    err = pthread_create(&thread, &attr, helper_main, (void *)(uintptr_t)atomic_load(&job_state));
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    pthread_attr_destroy(&attr);
  }
  if (err) {
    snprintf(start_error_text, sizeof start_error_text, "the helper thread could not be started: %s%s",
             strerror(err), fake && fake[0] == '1' ? " (simulated by TENSILE_NATIVE_HELPER_FAIL=1)" : "");
    start_error = start_error_text;
    return 0;
  }
  running = 1;
  return 1;
}

void helper_submit(const gemm_job *job) {
  pending = *job;
  pending_task = NULL;
  uint32_t next = ((atomic_load(&job_state) >> 1) + 1) << 1;
  publish(&job_state, next, &helper_sleeping);
}

int helper_finish(int (*compute)(const gemm_job *), uint64_t own_ns) {
  uint32_t state = atomic_load(&job_state);
  if (!(state & 1) && atomic_compare_exchange_strong(&job_state, &state, state | 1)) {
    atomic_fetch_add(&n_taken_back, 1);
    return pending_task ? pending_task(pending_arg) : compute(&pending);
  }
  uint32_t target = state >> 1;
  // The helper is computing a part as large as ours: spin about that long before sleeping, keeping
  // the core (the caller's own thread is the one training waits for).
  uint64_t spin = own_ns * 2 > spin_ns() ? own_ns * 2 : spin_ns();
  while (atomic_load_explicit(&done_seq, memory_order_acquire) != target)
    if (wait_for_change(&done_seq, target - 1, &caller_sleeping, spin, 0)) atomic_fetch_add(&n_waits, 1);
  return pending_status;
}

void helper_submit_task(helper_task task, void *arg) {
  pending_task = task;
  pending_arg = arg;
  uint32_t next = ((atomic_load(&job_state) >> 1) + 1) << 1;
  publish(&job_state, next, &helper_sleeping);
}

int helper_finish_task(uint64_t own_ns) { return helper_finish(NULL, own_ns); }

void helper_set_spin_us(int us) { atomic_store(&spin_us, us); }

void helper_get_stats(helper_stats *out) {
  out->running = running;
  out->error = start_error;
  out->spin_us = atomic_load(&spin_us);
  out->jobs = atomic_load(&n_jobs);
  out->spins = atomic_load(&n_spins);
  out->sleeps = atomic_load(&n_sleeps);
  out->waits = atomic_load(&n_waits);
  out->taken_back = atomic_load(&n_taken_back);
}
