/* glibc malloc thresholds for processes that run oneDNN (malloc_tuning.c says why). */
#ifndef TENSILE_MALLOC_TUNING_H
#define TENSILE_MALLOC_TUNING_H

#include <node_api.h>

/* tuneMalloc(mmapBytes, trimBytes) → true when applied (glibc), false elsewhere; throws on bad sizes. */
napi_value tune_malloc_js(napi_env env, napi_callback_info info);

#endif
