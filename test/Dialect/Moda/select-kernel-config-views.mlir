// RUN: moda-opt %s -moda-select-kernel-config -split-input-file | FileCheck %s

// An operator that takes views (strided) gets the heuristic tiles of its
// problem, as one on contiguous tensors would.

// CHECK-LABEL: func @views
// CHECK: {causal, config = #moda.config<block_m = 128, block_n = 128, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic", strided}
func.func @views(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {causal, strided} -> tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>
  return %o : tensor<1x10x8x64xbf16>
}

// -----

// A configuration the operator carries keeps its tiles.
// CHECK-LABEL: func @pinned_views
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, strided}
func.func @pinned_views(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {strided, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>
  return %o : tensor<1x10x8x64xbf16>
}

// -----

// A backward that takes views gets the backward's heuristic tiles.
// CHECK-LABEL: func @views_grad
// CHECK: {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic", strided}
func.func @views_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) {causal, strided} -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}
