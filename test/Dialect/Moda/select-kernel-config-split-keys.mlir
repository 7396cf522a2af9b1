// RUN: moda-opt %s -split-input-file -moda-select-kernel-config | FileCheck %s

// Decoding (KeySplits.cpp): one new token per sequence, its T * G rows in
// one block of 64. The heuristics give it one warpgroup's tiles with three
// stages and, when its B * Hk blocks fill at most half a wave of 132,
// split-KV: a wave of blocks, 132 / 8 = 16 splits per block of rows (each
// share of a 4096-key cache at least four 64-key tiles).

// CHECK-LABEL: func.func @decode
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a", kv_splits = 16>
func.func @decode(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x4096x8x128xbf16>, %dk: tensor<1x1x32x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x4096x8x128xbf16>, tensor<1x4096x8x128xbf16>) depth(%dk, %dk : tensor<1x1x32x8x128xbf16>, tensor<1x1x32x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}

// -----

// A short cache: 100 keys are two tiles, too few to share; four sequences
// of 8 heads (32 blocks) would otherwise split 4 ways.

// CHECK-LABEL: func.func @short_cache
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a">
func.func @short_cache(%q: tensor<4x1x32x128xbf16>, %k: tensor<4x100x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<4x1x32x128xbf16>) kv(%k, %k : tensor<4x100x8x128xbf16>, tensor<4x100x8x128xbf16>) {causal} -> tensor<4x1x32x128xbf16>, tensor<4x32x1xf32>
  return
}

// -----

// Sixteen sequences (128 blocks, about a wave) or a batch known only at run
// time: the decode tiles without kv_splits. A cache known only at run time
// (it grows by a token a step) is split for the multiprocessors: 132 / 8.

// CHECK-LABEL: func.func @sixteen_sequences
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a">
// CHECK-LABEL: func.func @dynamic_batch
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a">
// CHECK-LABEL: func.func @dynamic_cache
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a", kv_splits = 16>
func.func @sixteen_sequences(%q: tensor<16x1x32x128xbf16>, %k: tensor<16x32768x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<16x1x32x128xbf16>) kv(%k, %k : tensor<16x32768x8x128xbf16>, tensor<16x32768x8x128xbf16>) {causal} -> tensor<16x1x32x128xbf16>, tensor<16x32x1xf32>
  return
}
func.func @dynamic_batch(%q: tensor<?x1x32x128xbf16>, %k: tensor<?x4096x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<?x1x32x128xbf16>) kv(%k, %k : tensor<?x4096x8x128xbf16>, tensor<?x4096x8x128xbf16>) {causal} -> tensor<?x1x32x128xbf16>, tensor<?x32x1xf32>
  return
}
func.func @dynamic_cache(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x?x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x?x8x128xbf16>, tensor<1x?x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}

// -----

// Rows past one block (T = 16 new tokens of 8 query heads each, 128 rows)
// and CUDA-core kernels (f32) keep the forward heuristics' configuration.

// CHECK-LABEL: func.func @many_rows
// CHECK: config = #moda.config<block_m = 128, {{.*}}num_warps = 8, {{.*}}target = "sm_90a">
// CHECK-LABEL: func.func @f32
// CHECK: mma = fma, target = "sm_90a">
func.func @many_rows(%q: tensor<1x16x64x128xbf16>, %k: tensor<1x4096x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x64x128xbf16>) kv(%k, %k : tensor<1x4096x8x128xbf16>, tensor<1x4096x8x128xbf16>) {causal} -> tensor<1x16x64x128xbf16>, tensor<1x64x16xf32>
  return
}
func.func @f32(%q: tensor<1x1x32x64xf32>, %k: tensor<1x4096x8x64xf32>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x64xf32>) kv(%k, %k : tensor<1x4096x8x64xf32>, tensor<1x4096x8x64xf32>) {causal} -> tensor<1x1x32x64xf32>, tensor<1x32x1xf32>
  return
}
