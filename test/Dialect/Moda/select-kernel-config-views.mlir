// RUN: moda-opt %s -moda-select-kernel-config -split-input-file | FileCheck %s
// RUN: moda-opt %s -moda-select-kernel-config="lowering=tile" -split-input-file | FileCheck %s
// RUN: moda-opt %s -moda-select-kernel-config="lowering=kernel" -split-input-file -verify-diagnostics

// A forward that takes views (strided) gets the tile programs, whatever the
// heuristics would give it (the block builders, for a forward), with the
// heuristic tiles; lowering=kernel cannot compile it.

// CHECK-LABEL: func @views
// CHECK: {causal, config = #moda.config<block_m = 128, block_n = 128, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>, moda.config_source = "heuristic", strided}
func.func @views(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x8x64xbf16> {
  // expected-error @+1 {{takes its operands as views (strided), which only the tile programs compile, but lowering=kernel was asked for}}
  %o, %l = moda.attention q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {causal, strided} -> tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>
  return %o : tensor<1x10x8x64xbf16>
}

// -----

// A configuration the operator carries keeps its tiles.
// CHECK-LABEL: func @pinned_views
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>, strided}
func.func @pinned_views(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x8x64xbf16> {
  // expected-error @+1 {{takes its operands as views (strided), which only the tile programs compile, but lowering=kernel was asked for}}
  %o, %l = moda.attention q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {strided, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>} -> tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>
  return %o : tensor<1x10x8x64xbf16>
}

// -----

// A backward that takes views gets the tile programs too.
// CHECK-LABEL: func @views_grad
// CHECK: lowering = tile>, moda.config_source = "heuristic", strided}
func.func @views_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  // expected-error @+1 {{takes its operands as views (strided), which only the tile programs compile, but lowering=kernel was asked for}}
  %dq, %gk, %gv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) {causal, strided} -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}
