// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The attributes of moda.attention: chunk size and scale.

func.func @chunk_without_size(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{visibility = chunk needs a 'chunk_size'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {visibility = #moda.visibility<chunk>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @chunk_size_without_chunk(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{'chunk_size' is only meaningful with visibility = chunk, got visibility = per_position}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {chunk_size = 4} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @chunk_size_zero(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{'chunk_size' must be positive, got 0}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {visibility = #moda.visibility<chunk>, chunk_size = 0} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @chunk_size_negative(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{'chunk_size' must be positive, got -4}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {visibility = #moda.visibility<chunk>, chunk_size = -4} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @chunk_needs_equal_lengths(%q: tensor<1x16x4x8xf16>, %k: tensor<1x32x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{visibility = chunk needs as many sequence keys as queries (S == T), got S = 32 and T = 16}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x32x2x8xf16>, tensor<1x32x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {visibility = #moda.visibility<chunk>, chunk_size = 4} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @negative_scale(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{'scale' must be a finite positive number, got -0.5}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {scale = -0.5 : f32} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @infinite_scale(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{'scale' must be a finite positive number, got +Inf}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {scale = 0x7F800000 : f32} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @zero_scale(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{'scale' must be a finite positive number, got 0}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {scale = 0.0 : f32} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @config_not_aligned_with_group(%q: tensor<1x16x8x8xf16>, %k: tensor<1x16x1x8xf16>) {
  // expected-error @+1 {{config block_m = 36 must be a multiple of the group size G = Hq / Hk = 8}}
  %o, %l = moda.attention q(%q : tensor<1x16x8x8xf16>) kv(%k, %k : tensor<1x16x1x8xf16>, tensor<1x16x1x8xf16>) {config = #moda.config<block_m = 36, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x8x8xf16>, tensor<1x8x16xf32>
  return
}
