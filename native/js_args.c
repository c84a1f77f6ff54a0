/* See js_args.h. */
#include "js_args.h"

#include <stdbool.h>
#include <stdio.h>

napi_value js_throw(napi_env env, const char *message) {
  napi_throw_error(env, "ERR_TENSILE_NATIVE", message);
  return NULL;
}

int js_read_args(napi_env env, napi_callback_info info, const char *fn, napi_value *argv, size_t expected, char *msg,
                 size_t len) {
  size_t argc = expected;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok) {
    snprintf(msg, len, "%s: bad call", fn);
    return 0;
  }
  if (argc != expected) {
    snprintf(msg, len, "%s: expected %zu argument%s, got %zu", fn, expected, expected == 1 ? "" : "s", argc);
    return 0;
  }
  return 1;
}

int js_read_int(napi_env env, napi_value v, const char *fn, const char *name, int64_t lo, int64_t hi, int64_t *out,
                char *msg, size_t len) {
  napi_valuetype t;
  double d;
  if (napi_typeof(env, v, &t) != napi_ok || t != napi_number || napi_get_value_double(env, v, &d) != napi_ok) {
    snprintf(msg, len, "%s: %s must be a number", fn, name);
    return 0;
  }
  if (!(d >= (double)lo && d <= (double)hi) || d != (double)(int64_t)d) {
    snprintf(msg, len, "%s: %s = %g is not an integer in [%lld, %lld]", fn, name, d, (long long)lo, (long long)hi);
    return 0;
  }
  *out = (int64_t)d;
  return 1;
}

int js_read_memory(napi_env env, napi_value v, const char *fn, float **data, size_t *floats, char *msg, size_t len) {
  bool is_typed = false;
  napi_typedarray_type type;
  size_t length = 0, view_offset = 0;
  void *raw = NULL;
  napi_value buffer;
  if (napi_is_typedarray(env, v, &is_typed) != napi_ok || !is_typed ||
      napi_get_typedarray_info(env, v, &type, &length, &raw, &buffer, &view_offset) != napi_ok ||
      type != napi_float32_array) {
    snprintf(msg, len, "%s: memory must be a Float32Array over the wasm memory's buffer", fn);
    return 0;
  }
  if (raw == NULL && length > 0) {
    snprintf(msg, len, "%s: memory's buffer is detached", fn);
    return 0;
  }
  *data = (float *)raw;
  *floats = length;
  return 1;
}
