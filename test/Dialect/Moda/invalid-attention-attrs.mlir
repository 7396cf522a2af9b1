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

// Finite, but the f32 logits would overflow to inf (MODA_MAX_SCALE = 2^16).
func.func @huge_scale(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{'scale' = 1.0E+30 exceeds 65536 (2^16): the f32 logits would overflow to inf; the usual scale is 1/sqrt(D)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {scale = 1.0e30 : f32} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

// The backward shares the rule; 65537 is just past the bound.
func.func @huge_scale_grad(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %lse: tensor<1x4x16xf32>) {
  // expected-error @+1 {{'scale' = 65537 exceeds 65536 (2^16)}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %lse : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) {scale = 65537.0 : f32} -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

// The bound itself is accepted.
func.func @largest_scale(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {scale = 65536.0 : f32} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @config_not_aligned_with_group(%q: tensor<1x16x8x8xf16>, %k: tensor<1x16x1x8xf16>) {
  // expected-error @+1 {{config block_m = 36 must be a multiple of the group size G = Hq / Hk = 8}}
  %o, %l = moda.attention q(%q : tensor<1x16x8x8xf16>) kv(%k, %k : tensor<1x16x1x8xf16>, tensor<1x16x1x8xf16>) {config = #moda.config<block_m = 36, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x8x8xf16>, tensor<1x8x16xf32>
  return
}
