{
  "target_defaults": {
    "cflags_cc": ["-O3", "-std=gnu++17", "-fPIC", "-ffp-contract=fast", "-fno-math-errno"],
    "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++1y"],
    "cflags!": ["-fno-exceptions"],
    "xcode_settings": {
      "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
      "OTHER_CPLUSPLUSFLAGS": ["-O3", "-std=gnu++17", "-ffp-contract=fast"]
    }
  },
  "targets": [
    {
      "target_name": "basin_kernels_generic",
      "type": "static_library",
      "sources": ["native/kernels_generic.cc"]
    },
    {
      "target_name": "basin_kernels",
      "sources": ["native/addon.cc", "native/ops.cc", "native/eltwise.cc", "native/centre.cc", "native/pool.cc"],
      "dependencies": ["basin_kernels_generic"],
      "conditions": [
        ["target_arch=='x64'", {
          "defines": ["BASIN_HAVE_X86"],
          "dependencies": ["basin_kernels_avx2", "basin_kernels_avx512"]
        }],
        ["OS!='win'", { "libraries": ["-lpthread"] }]
      ]
    }
  ],
  "conditions": [
    ["target_arch=='x64'", {
      "targets": [
        {
          "target_name": "basin_kernels_avx2",
          "type": "static_library",
          "defines": ["BASIN_HAVE_X86"],
          "sources": ["native/kernels_avx2.cc"],
          "cflags_cc": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx2", "-mfma"] }
        },
        {
          "target_name": "basin_kernels_avx512",
          "type": "static_library",
          "defines": ["BASIN_HAVE_X86"],
          "sources": ["native/kernels_avx512.cc"],
          "cflags_cc": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-mavx512f", "-mavx512dq", "-mavx512vl", "-mavx2", "-mfma"] }
        }
      ]
    }]
  ]
}
