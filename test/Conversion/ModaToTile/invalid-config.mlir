// RUN: moda-opt %s -convert-moda-to-tile -split-input-file -verify-diagnostics

// The lowering compiles only configurations it can honour, and says why not.

func.func @no_config(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{has no kernel configuration; run -moda-select-kernel-config before lowering}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @wgmma_target(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config mma = wgmma needs target 'sm_90a' (warpgroup MMA exists only on the arch-specific sm_90a), not target 'sm_90'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @pipelined_simt(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config num_stages = 3 is not supported with mma = fma (supported: 1)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 3, mma = fma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @narrow_heads(%q: tensor<1x16x4x4xbf16>, %k: tensor<1x16x2x4xbf16>) -> tensor<1x16x4x4xbf16> {
  // expected-error @+1 {{head dim D = 4 must be a multiple of 8 for 16-byte loads of 'bf16'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x4xbf16>) kv(%k, %k : tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x4x4xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x4xbf16>
}

// -----

func.func @mma_f32_operands(%q: tensor<1x16x4x64xf32>, %k: tensor<1x16x2x64xf32>, %dk: tensor<1x16x4x2x64xf32>) -> tensor<1x16x4x64xf32> {
  // expected-error @+1 {{config mma = mma_sync needs bf16 or f16 operands, not 'f32'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xf32>) kv(%k, %k : tensor<1x16x2x64xf32>, tensor<1x16x2x64xf32>) depth(%dk, %dk : tensor<1x16x4x2x64xf32>, tensor<1x16x4x2x64xf32>) {config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x64xf32>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xf32>
}

// -----

func.func @mma_old_target(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %dk: tensor<1x16x4x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config mma = mma_sync needs sm_80 or newer (m16n8k16 with bf16), not target 'sm_75'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) depth(%dk, %dk : tensor<1x16x4x2x64xbf16>, tensor<1x16x4x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_75">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @mma_head_dim(%q: tensor<1x16x4x96xbf16>, %k: tensor<1x16x2x96xbf16>, %dk: tensor<1x16x4x2x96xbf16>) -> tensor<1x16x4x96xbf16> {
  // expected-error @+1 {{config mma = mma_sync needs a head dim D that is a multiple of 64, at most 256 (swizzled 128-byte shared rows), not D = 96}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x96xbf16>) kv(%k, %k : tensor<1x16x2x96xbf16>, tensor<1x16x2x96xbf16>) depth(%dk, %dk : tensor<1x16x4x2x96xbf16>, tensor<1x16x4x2x96xbf16>) {config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x96xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x96xbf16>
}

// -----

func.func @mma_rows_per_warp(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %dk: tensor<1x16x4x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config block_m = 64 must be 16 x num_warps = 128 or 32 x num_warps = 256 with mma = mma_sync (each warp owns one or two 16-row tiles)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) depth(%dk, %dk : tensor<1x16x4x2x64xbf16>, tensor<1x16x4x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 8, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @mma_registers(%q: tensor<1x16x4x128xbf16>, %k: tensor<1x16x2x128xbf16>, %dk: tensor<1x16x4x2x128xbf16>) -> tensor<1x16x4x128xbf16> {
  // expected-error @+1 {{config keeps 256 accumulator and fragment registers per thread live with mma = mma_sync (block_m / (16 x num_warps) x (max(block_n, block_depth) / 2 + 3 x D / 4)), more than the 120 that fit without spilling}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x128xbf16>) kv(%k, %k : tensor<1x16x2x128xbf16>, tensor<1x16x2x128xbf16>) depth(%dk, %dk : tensor<1x16x4x2x128xbf16>, tensor<1x16x4x2x128xbf16>) {config = #moda.config<block_m = 128, block_n = 64, block_depth = 32, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x128xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x128xbf16>
}

// -----

func.func @mma_tile_multiple(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %dk: tensor<1x16x4x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config block_n = 40 and block_depth = 32 must be multiples of 16 with mma = mma_sync}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) depth(%dk, %dk : tensor<1x16x4x2x64xbf16>, tensor<1x16x4x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 40, block_depth = 32, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @mma_stages(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %dk: tensor<1x16x4x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config num_stages = 5 is not supported with mma = mma_sync (supported: 2 to 4)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) depth(%dk, %dk : tensor<1x16x4x2x64xbf16>, tensor<1x16x4x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 5, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @wgmma_f32_operands(%q: tensor<1x16x4x64xf32>, %k: tensor<1x16x2x64xf32>) -> tensor<1x16x4x64xf32> {
  // expected-error @+1 {{config mma = wgmma needs bf16 or f16 operands, not 'f32'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xf32>) kv(%k, %k : tensor<1x16x2x64xf32>, tensor<1x16x2x64xf32>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xf32>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xf32>
}

// -----

func.func @wgmma_head_dim(%q: tensor<1x16x4x96xbf16>, %k: tensor<1x16x2x96xbf16>) -> tensor<1x16x4x96xbf16> {
  // expected-error @+1 {{config mma = wgmma needs a head dim D that is a multiple of 64, at most 256 (swizzled 128-byte shared rows), not D = 96}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x96xbf16>) kv(%k, %k : tensor<1x16x2x96xbf16>, tensor<1x16x2x96xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x96xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x96xbf16>
}

// -----

func.func @wgmma_warpgroups(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config block_m = 32 and num_warps = 2 must be 64 x k and 4 x k with mma = wgmma (each warpgroup of 4 warps owns 64 rows)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 32, block_n = 64, block_depth = 64, num_warps = 2, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @wgmma_registers(%q: tensor<1x16x4x128xbf16>, %k: tensor<1x16x2x128xbf16>) -> tensor<1x16x4x128xbf16> {
  // expected-error @+1 {{config keeps 160 accumulator and fragment registers per thread live with mma = wgmma (block_m / (16 x num_warps) x (max(block_n, block_depth) / 2 + 3 x D / 4)), more than the 144 that fit without spilling}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x128xbf16>) kv(%k, %k : tensor<1x16x2x128xbf16>, tensor<1x16x2x128xbf16>) {config = #moda.config<block_m = 128, block_n = 128, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x128xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x128xbf16>
}

// -----

func.func @wgmma_tile_multiple(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config block_n = 72 and block_depth = 64 must be multiples of 16 with mma = wgmma}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 72, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @wgmma_stages(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config num_stages = 1 is not supported with mma = wgmma (supported: 2 to 4)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}
