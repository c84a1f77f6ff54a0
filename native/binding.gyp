{
  "variables": { "tensile_blas%": "onednn" },
  "targets": [
    {
      "target_name": "tensile_native",
      "sources": ["tensile_native.c", "js_args.c", "blas_call.c", "signals.c", "helper_thread.c", "split_plan.c", "malloc_tuning.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Wno-unused-parameter", "-pthread"],
      "conditions": [
        ["tensile_blas=='onednn'", {
          "defines": ["TENSILE_BLAS_DNNL"],
          "sources": ["conv_dnnl.c", "conv_split.c", "conv_js.c"],
          "libraries": ["-ldnnl", "-lgomp"]
        }],
        ["tensile_blas=='openblas'", {
          "defines": ["TENSILE_BLAS_OPENBLAS"],
          "include_dirs": ["/usr/include/x86_64-linux-gnu/openblas-pthread", "/usr/include/openblas"],
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
