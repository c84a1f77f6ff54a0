/*
 * Reading the addon's JavaScript arguments and throwing its errors, shared by sgemm and
 * setHelperSpin (tensile_native.c) and conv2d (conv_js.c): each failure writes a message that names
 * the function and the argument.
 */
#ifndef TENSILE_JS_ARGS_H
#define TENSILE_JS_ARGS_H

#include <node_api.h>
#include <stddef.h>
#include <stdint.h>

/* Throws a JavaScript Error with code ERR_TENSILE_NATIVE; returns NULL for the caller to return. */
napi_value js_throw(napi_env env, const char *message);

/* The call's arguments into argv[expected]; 0 with msg set when the call or the count is wrong. */
int js_read_args(napi_env env, napi_callback_info info, const char *fn, napi_value *argv, size_t expected, char *msg,
                 size_t len);

/* An integer-valued number in [lo, hi] into *out; 0 with msg set otherwise. */
int js_read_int(napi_env env, napi_value v, const char *fn, const char *name, int64_t lo, int64_t hi, int64_t *out,
                char *msg, size_t len);

/*
 * The wasm memory argument: a Float32Array over a buffer that is not detached. Its data and its
 * length in floats go to *data and *floats; 0 with msg set otherwise.
 */
int js_read_memory(napi_env env, napi_value v, const char *fn, float **data, size_t *floats, char *msg, size_t len);

#endif
