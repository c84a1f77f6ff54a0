/*
 * tuneMalloc(mmapBytes, trimBytes): fixes glibc malloc's mmap and trim thresholds for the process.
 *
 * Why: oneDNN's sgemm allocates and frees its packing buffers on every call. Each free of a block that
 * glibc had mmapped raises glibc's dynamic mmap threshold to that block's size, so later allocations
 * below it (a data loader's freed ArrayBuffers, tensors' backing stores) come from the heap instead
 * and stay there after they are freed. Measured on IMDB (BENCHMARKS.md): one run in five peaked
 * 30–80 MB higher. A fixed mmap threshold returns large blocks to the system when they are freed; a
 * large trim threshold keeps glibc from trimming the heap top and faulting it back in on every step
 * (a fixed mmap threshold alone cost the MLP 5–7%). The policy (when to call, which sizes) is in
 * src/backends/wasm/native-loader.ts.
 */
#include "malloc_tuning.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "js_args.h"

napi_value tune_malloc_js(napi_env env, napi_callback_info info) {
  napi_value argv[2], result;
  int64_t mmap_bytes, trim_bytes;
  char msg[160];
  if (!js_read_args(env, info, "tuneMalloc", argv, 2, msg, sizeof msg) ||
      !js_read_int(env, argv[0], "tuneMalloc", "mmap threshold", 4096, 32 << 20, &mmap_bytes, msg, sizeof msg) ||
      !js_read_int(env, argv[1], "tuneMalloc", "trim threshold", 4096, 1 << 30, &trim_bytes, msg, sizeof msg))
    return js_throw(env, msg);
  int applied = 0;
#if defined(__GLIBC__)
  // mallopt returns 1 on success; both must hold, or the dynamic behaviour is only half replaced.
  applied = mallopt(M_MMAP_THRESHOLD, (int)mmap_bytes) == 1 && mallopt(M_TRIM_THRESHOLD, (int)trim_bytes) == 1;
#endif
  napi_get_boolean(env, applied, &result);
  return result;
}
