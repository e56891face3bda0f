{
  "targets": [
    {
      "target_name": "genlab_native",
      "sources": [
        "src/addon.cc",
        "src/allocator.cc",
        "src/ops-create.cc",
        "src/ops-math.cc",
        "src/ops-shape.cc",
        "src/ops-nn.cc",
        "src/ops-gemm.cc",
        "src/ops-linalg.cc",
        "src/ops-autograd.cc",
        "src/ops-conv.cc",
        "src/ops-batchnorm.cc"
      ],
      "include_dirs": [
        "<!(node -p \"require('node-addon-api').include_dir\")",
        "<!@(node ../scripts/torch-config.cjs include)"
      ],
      "libraries": ["<!@(node ../scripts/torch-config.cjs libs)"],
      "ldflags": ["<!@(node ../scripts/torch-config.cjs ldflags)"],
      "defines": ["NAPI_CPP_EXCEPTIONS", "NAPI_VERSION=8", "<!@(node ../scripts/torch-config.cjs defines)"],
      "cflags!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O2", "-fno-math-errno", "-ffp-contract=off", "-fexceptions", "-frtti", "-Wno-unused-parameter", "-Wno-deprecated-declarations", "<!@(node ../scripts/torch-config.cjs cflags)"]
    }
  ]
}
