// RUN: moda-opt %s -split-input-file -convert-moda-to-tile -convert-moda-to-gpu | FileCheck %s

// Operators configured for different lowerings share a module: the staged
// compiler's stage runs first and names its operators by their position
// among the operators of their type; the block builders take the other
// names in order, so the names follow the IR's order.

// CHECK-LABEL: func.func @mixed
// CHECK: call @moda_attention_0_launch
// CHECK: call @moda_attention_1_launch
// CHECK: call @moda_attention_2_launch
// CHECK-DAG: gpu.module @moda_attention_0_module
// CHECK-DAG: func.func private @moda_attention_1({{.*}}moda_tile.program
// CHECK-DAG: gpu.module @moda_attention_2_module
func.func @mixed(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>) -> tensor<1x40x2x64xbf16> {
  %o0, %l0 = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  %o1, %l1 = moda.attention q(%o0 : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a", lowering = tile>} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  %o2, %l2 = moda.attention q(%o1 : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  return %o2 : tensor<1x40x2x64xbf16>
}

// -----

// A name the module already holds is skipped.

// CHECK-LABEL: func.func private @moda_attention_0()
// CHECK-LABEL: func.func @taken
// CHECK: call @moda_attention_1_launch
// CHECK: gpu.module @moda_attention_1_module
func.func private @moda_attention_0()
func.func @taken(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>) -> tensor<1x40x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  return %o : tensor<1x40x2x64xbf16>
}
