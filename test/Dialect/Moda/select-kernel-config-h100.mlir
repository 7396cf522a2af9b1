// RUN: moda-opt %s -moda-select-kernel-config="database=%moda_src_root/tuning/h100.json" | FileCheck %s

// The shipped H100 database (tuned by python -m moda.tune over
// bench/tuning-shapes.json) answers for the benchmark's shapes.

// CHECK-LABEL: func @benchmark_shape
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "database"
func.func @benchmark_shape(%q: tensor<1x4096x64x64xbf16>, %k: tensor<1x4096x8x64xbf16>, %dk: tensor<1x4096x64x8x64xbf16>) -> tensor<1x4096x64x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x4096x64x64xbf16>) kv(%k, %k : tensor<1x4096x8x64xbf16>, tensor<1x4096x8x64xbf16>) depth(%dk, %dk : tensor<1x4096x64x8x64xbf16>, tensor<1x4096x64x8x64xbf16>) {causal} -> tensor<1x4096x64x64xbf16>, tensor<1x64x4096xf32>
  return %o : tensor<1x4096x64x64xbf16>
}
