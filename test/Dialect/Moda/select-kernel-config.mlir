// RUN: moda-opt %s -moda-select-kernel-config -split-input-file | FileCheck %s
// RUN: moda-opt %s -moda-select-kernel-config="target=sm_80" -split-input-file | FileCheck %s --check-prefix=SM80

// Heuristic configurations: tensor cores for bf16/f16 where the rules allow
// them, warpgroup MMA on sm_90a (mma.sync on older targets): 128 folded rows
// per block, the longest key tiles that fit the register budget, two stages,
// the longest depth tiles with wgmma (each warpgroup walks its own span) and
// the shortest with mma.sync (one 16-row tile per warp). Otherwise (f32, a group that does not divide 128, the
// backward) the SIMT choice: query blocks of 128 folded rows for D <= 64 and
// 64 for wider heads, always a multiple of G; the depth tile covers the
// block's depth span (block_m / G * L entries) up to 64.

// CHECK-LABEL: func @small_heads_deep
// CHECK: config = #moda.config<block_m = 128, block_n = 128, block_depth = 128, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">
// SM80-LABEL: func @small_heads_deep
// SM80: config = #moda.config<block_m = 128, block_n = 128, block_depth = 32, num_warps = 8, num_stages = 2, mma = mma_sync, target = "sm_80">
func.func @small_heads_deep(%q: tensor<1x100x16x64xbf16>, %k: tensor<1x100x2x64xbf16>, %dk: tensor<1x100x64x2x64xbf16>) -> tensor<1x100x16x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x16x64xbf16>) kv(%k, %k : tensor<1x100x2x64xbf16>, tensor<1x100x2x64xbf16>) depth(%dk, %dk : tensor<1x100x64x2x64xbf16>, tensor<1x100x64x2x64xbf16>) {causal} -> tensor<1x100x16x64xbf16>, tensor<1x16x100xf32>
  return %o : tensor<1x100x16x64xbf16>
}

// -----

// CHECK-LABEL: func @wide_heads_no_depth
// CHECK: config = #moda.config<block_m = 128, block_n = 64, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">
func.func @wide_heads_no_depth(%q: tensor<1x100x4x128xf16>, %k: tensor<1x100x2x128xf16>) -> tensor<1x100x4x128xf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x4x128xf16>) kv(%k, %k : tensor<1x100x2x128xf16>, tensor<1x100x2x128xf16>) -> tensor<1x100x4x128xf16>, tensor<1x4x100xf32>
  return %o : tensor<1x100x4x128xf16>
}

// -----

// G = 3 does not divide 128: the query block grows to the next multiple.
// f32 takes the same path as the 16-bit types.
// CHECK-LABEL: func @odd_group_f32
// CHECK: config = #moda.config<block_m = 129, block_n = 64, block_depth = 64, num_warps = 8, num_stages = 1, mma = fma, target = "sm_90a">
func.func @odd_group_f32(%q: tensor<1x10x3x32xf32>, %k: tensor<1x10x1x32xf32>, %dk: tensor<1x10x7x1x32xf32>) -> tensor<1x10x3x32xf32> {
  %o, %l = moda.attention q(%q : tensor<1x10x3x32xf32>) kv(%k, %k : tensor<1x10x1x32xf32>, tensor<1x10x1x32xf32>) depth(%dk, %dk : tensor<1x10x7x1x32xf32>, tensor<1x10x7x1x32xf32>) -> tensor<1x10x3x32xf32>, tensor<1x3x10xf32>
  return %o : tensor<1x10x3x32xf32>
}

// -----

// The backward takes the SIMT choice's key and depth tiles (small depth
// spans get a small depth tile: 128 / 8 positions * 1 entry = 16), on
// warpgroup MMA with one warpgroup (64 rows) per block where the rules
// allow it.
// CHECK-LABEL: func @shallow_depth_grad
// CHECK: moda.attention_grad {{.*}}config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">
func.func @shallow_depth_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %dk: tensor<1x10x1x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) depth(%dk, %dk : tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) d_depth(tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}

// -----

// A configuration already in the IR (from a user or a tuner) is kept.
// CHECK-LABEL: func @keeps_existing
// CHECK: config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_86">
func.func @keeps_existing(%q: tensor<1x10x2x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x2x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_86">} -> tensor<1x10x2x64xbf16>, tensor<1x2x10xf32>
  return %o : tensor<1x10x2x64xbf16>
}
