// RUN: moda-opt %s -moda-select-kernel-config -split-input-file -verify-diagnostics | FileCheck %s

// A paged forward gets a configuration whose key tiles lie in one page:
// the decode tiles (block_n = 64) for pages of 64 keys or more, the
// nearest tensor-core tiles of 32 keys for pages of 32, and an error for
// pages no tile divides.

// CHECK-LABEL: func @pages_of_64
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a", kv_splits = 33>
func.func @pages_of_64(%q: tensor<1x1x8x64xbf16>, %k: tensor<?x64x4x64xbf16>, %t: tensor<1x512xi32>, %s: index) -> tensor<1x1x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x1x8x64xbf16>) kv(%k, %k : tensor<?x64x4x64xbf16>, tensor<?x64x4x64xbf16>) paged(%t, %s : tensor<1x512xi32>) {causal} -> tensor<1x1x8x64xbf16>, tensor<1x8x1xf32>
  return %o : tensor<1x1x8x64xbf16>
}

// -----

// wgmma takes no 32-key tiles: the nearest tensor-core configuration whose
// tiles do, with the decode configuration's rows, stages and splits.
// CHECK-LABEL: func @pages_of_32
// CHECK: config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 3, mma = mma_sync, target = "sm_90a", kv_splits = 33>
func.func @pages_of_32(%q: tensor<1x1x8x64xbf16>, %k: tensor<?x32x4x64xbf16>, %t: tensor<1x512xi32>, %s: index) -> tensor<1x1x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x1x8x64xbf16>) kv(%k, %k : tensor<?x32x4x64xbf16>, tensor<?x32x4x64xbf16>) paged(%t, %s : tensor<1x512xi32>) {causal} -> tensor<1x1x8x64xbf16>, tensor<1x8x1xf32>
  return %o : tensor<1x1x8x64xbf16>
}

// -----

func.func @pages_of_16(%q: tensor<1x1x8x64xbf16>, %k: tensor<?x16x4x64xbf16>, %t: tensor<1x512xi32>, %s: index) -> tensor<1x1x8x64xbf16> {
  // expected-error @+1 {{has no kernel configuration whose key tiles (block_n) divide its page size 16 (operand 'k' dimension 1); use a multiple of 32}}
  %o, %l = moda.attention q(%q : tensor<1x1x8x64xbf16>) kv(%k, %k : tensor<?x16x4x64xbf16>, tensor<?x16x4x64xbf16>) paged(%t, %s : tensor<1x512xi32>) {causal} -> tensor<1x1x8x64xbf16>, tensor<1x8x1xf32>
  return %o : tensor<1x1x8x64xbf16>
}
