// RUN: moda-opt %moda_src_root/examples/attention.mlir -canonicalize -moda-select-kernel-config | FileCheck %s

// CHECK-LABEL: func.func @attention
// CHECK: moda.attention q(%{{.*}} : tensor<2x200x8x64xbf16>) kv({{.*}}) depth({{.*}} : tensor<2x200x7x2x64xbf16>, tensor<2x200x7x2x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 128, block_depth = 128, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic"}
