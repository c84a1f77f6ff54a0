#include "signals.h"

#include <pthread.h>

/* Faults the CPU raises (SIGSEGV, SIGBUS, SIGFPE, SIGILL) stay deliverable: blocking them would turn a
 * crash into a hang or an unexplained kill. */
void block_async_signals(sigset_t *previous) {
  sigset_t held;
  sigfillset(&held);
  sigdelset(&held, SIGSEGV);
  sigdelset(&held, SIGBUS);
  sigdelset(&held, SIGFPE);
  sigdelset(&held, SIGILL);
  pthread_sigmask(SIG_BLOCK, &held, previous);
}
