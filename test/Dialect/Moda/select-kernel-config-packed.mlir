// RUN: moda-opt %s -moda-select-kernel-config -split-input-file | FileCheck %s

// An operator over packed sequences gets the heuristic tiles (a tuning
// database's keys are of [B, T, ...] operators).

// CHECK-LABEL: func @packed
// CHECK: {causal, config = #moda.config<block_m = 128, block_n = 128, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic"}
func.func @packed(%q: tensor<40x8x64xbf16>, %k: tensor<40x1x64xbf16>, %cu: tensor<3xi32>, %max: index) -> tensor<40x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<40x8x64xbf16>) kv(%k, %k : tensor<40x1x64xbf16>, tensor<40x1x64xbf16>) packed(%cu, %max : tensor<3xi32>) {causal} -> tensor<40x8x64xbf16>, tensor<8x40xf32>
  return %o : tensor<40x8x64xbf16>
}

// -----

// CHECK-LABEL: func @packed_grad
// CHECK: {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic"}
func.func @packed_grad(%q: tensor<40x8x64xbf16>, %k: tensor<40x1x64xbf16>, %lse: tensor<8x40xf32>, %cu: tensor<3xi32>, %max: index) -> tensor<40x8x64xbf16> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<40x8x64xbf16>) kv(%k, %k : tensor<40x1x64xbf16>, tensor<40x1x64xbf16>) out(%q, %lse : tensor<40x8x64xbf16>, tensor<8x40xf32>) d_out(%q : tensor<40x8x64xbf16>) packed(%cu, %max : tensor<3xi32>) {causal} -> dq(tensor<40x8x64xbf16>) dkv(tensor<40x1x64xbf16>, tensor<40x1x64xbf16>)
  return %dq : tensor<40x8x64xbf16>
}
