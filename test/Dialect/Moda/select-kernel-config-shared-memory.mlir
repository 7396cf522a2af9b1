// RUN: moda-opt %s -split-input-file -moda-select-kernel-config -verify-diagnostics | FileCheck %s

// Shared memory is the tile programs' shared-tile plan, measured on the
// operator's own programs: the one the GPU lowering lays the tiles out by
// and the manifest reports.

// The SIMT heuristic prefers key and value tiles of at most 48 KiB (past
// that the backward spills); at D = 768 in f32 none is that small, so it
// takes the smallest of its shape that fits. 32 sequence and 16 depth rows
// need 294912 bytes (tiles of two sizes take two buffers); 32 and 32 need
// 196608 (the sequence and depth loops share one buffer per operand).
// CHECK-LABEL: func @wide_f32_deep
// CHECK: config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">
// CHECK-SAME: moda.config_source = "heuristic"
func.func @wide_f32_deep(%q: tensor<1x16x2x768xf32>, %k: tensor<1x16x2x768xf32>, %dk: tensor<1x16x64x2x768xf32>) -> tensor<1x16x2x768xf32> {
  %o, %l = moda.attention q(%q : tensor<1x16x2x768xf32>) kv(%k, %k : tensor<1x16x2x768xf32>, tensor<1x16x2x768xf32>) depth(%dk, %dk : tensor<1x16x64x2x768xf32>, tensor<1x16x64x2x768xf32>) {causal} -> tensor<1x16x2x768xf32>, tensor<1x2x16xf32>
  return %o : tensor<1x16x2x768xf32>
}

// -----

// Four stages of 128-row key, value and depth tiles per warpgroup: the plan
// needs 148464 bytes (the removed builders' formula counted 410624), so the
// given configuration stands.
// CHECK-LABEL: func @four_stages_fit
// CHECK: config = #moda.config<block_m = 128, block_n = 128, block_depth = 128, num_warps = 8, num_stages = 4, mma = wgmma, target = "sm_90a">
func.func @four_stages_fit(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %dk: tensor<1x16x4x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) depth(%dk, %dk : tensor<1x16x4x2x64xbf16>, tensor<1x16x4x2x64xbf16>) {config = #moda.config<block_m = 128, block_n = 128, block_depth = 128, num_warps = 8, num_stages = 4, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @forward_too_large(%q: tensor<1x16x4x256xf32>, %k: tensor<1x16x2x256xf32>) -> tensor<1x16x4x256xf32> {
  // expected-error @+1 {{config needs 524288 bytes of shared memory (its tile programs' shared tiles), more than the 232448 a block may opt in to on sm_90a}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x256xf32>) kv(%k, %k : tensor<1x16x2x256xf32>, tensor<1x16x2x256xf32>) {config = #moda.config<block_m = 64, block_n = 256, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x4x256xf32>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x256xf32>
}

// -----

func.func @backward_too_large(%q: tensor<1x16x4x256xf32>, %k: tensor<1x16x2x256xf32>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x256xf32> {
  // expected-error @+1 {{config needs 263168 bytes of shared memory (its tile programs' shared tiles), more than the 232448 a block may opt in to on sm_90a}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x256xf32>) kv(%k, %k : tensor<1x16x2x256xf32>, tensor<1x16x2x256xf32>) out(%q, %lse : tensor<1x16x4x256xf32>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x256xf32>) {config = #moda.config<block_m = 64, block_n = 128, block_depth = 32, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x16x4x256xf32>) dkv(tensor<1x16x2x256xf32>, tensor<1x16x2x256xf32>)
  return %dq : tensor<1x16x4x256xf32>
}
