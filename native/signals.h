/* Which signals a product holds back (tensile_native.c says why): every one the CPU does not raise. */
#ifndef TENSILE_SIGNALS_H
#define TENSILE_SIGNALS_H
#include <signal.h>

/* Blocks the asynchronous signals on the calling thread; `previous` (may be NULL) gets the old mask. */
void block_async_signals(sigset_t *previous);

/* Whether JavaScript holds signals on this thread (holdSignals() in tensile_native.c). */
int tensile_signals_held(void);

#endif
