// RUN: moda-opt %s -split-input-file -moda-select-kernel-config | FileCheck %s

// Split-KV for decoding: one new token per sequence against a cache of
// 4096 keys leaves B * Hk = 8 blocks, far below a wave of 132; the pass
// splits each block's keys into enough shares for two waves (33), at most
// a share per four key tiles (4096 / 64 / 4 = 16).

// CHECK-LABEL: func.func @decode
// CHECK: config = #moda.config<block_m = 128, block_n = 64, {{.*}}, mma = wgmma, target = "sm_90a", kv_splits = 16>
func.func @decode(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x4096x8x128xbf16>, %dk: tensor<1x1x32x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x4096x8x128xbf16>, tensor<1x4096x8x128xbf16>) depth(%dk, %dk : tensor<1x1x32x8x128xbf16>, tensor<1x1x32x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}

// -----

// Sixteen sequences: 128 blocks, still under a wave: 3 shares.

// CHECK-LABEL: func.func @decode_batch
// CHECK: kv_splits = 3>
func.func @decode_batch(%q: tensor<16x1x32x128xbf16>, %k: tensor<16x32768x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<16x1x32x128xbf16>) kv(%k, %k : tensor<16x32768x8x128xbf16>, tensor<16x32768x8x128xbf16>) {causal} -> tensor<16x1x32x128xbf16>, tensor<16x32x1xf32>
  return
}

// -----

// Enough blocks without splitting (64 sequences: 512 blocks), a short
// cache (one key tile: no share of four), sizes known only at run time:
// no kv_splits.

// CHECK-LABEL: func.func @many_sequences
// CHECK: target = "sm_90a">
// CHECK-LABEL: func.func @short_cache
// CHECK: target = "sm_90a">
// CHECK-LABEL: func.func @dynamic_cache
// CHECK: target = "sm_90a">
func.func @many_sequences(%q: tensor<64x1x32x128xbf16>, %k: tensor<64x4096x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<64x1x32x128xbf16>) kv(%k, %k : tensor<64x4096x8x128xbf16>, tensor<64x4096x8x128xbf16>) {causal} -> tensor<64x1x32x128xbf16>, tensor<64x32x1xf32>
  return
}
func.func @short_cache(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x100x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x100x8x128xbf16>, tensor<1x100x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}
func.func @dynamic_cache(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x?x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x?x8x128xbf16>, tensor<1x?x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}
