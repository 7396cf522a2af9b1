// RUN: moda-opt %s -split-input-file -verify-diagnostics

// Operand shapes and element types of moda.attention.

func.func @q_rank(%q: tensor<16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{operand 'q' must have rank 4 [B, T, Hq, D], got rank 3}}
  %o, %l = moda.attention q(%q : tensor<16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @q_element_type(%q: tensor<1x16x4x8xf64>, %k: tensor<1x16x2x8xf64>) {
  // expected-error @+1 {{operand 'q' must have element type bf16, f16 or f32, got 'f64'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf64>) kv(%k, %k : tensor<1x16x2x8xf64>, tensor<1x16x2x8xf64>) -> tensor<1x16x4x8xf64>, tensor<1x4x16xf32>
  return
}

// -----

func.func @dynamic_query_heads(%q: tensor<1x16x?x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{operand 'q' query heads Hq (dimension 2) must be static}}
  %o, %l = moda.attention q(%q : tensor<1x16x?x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x?x8xf16>, tensor<1x?x16xf32>
  return
}

// -----

func.func @dynamic_head_dim(%q: tensor<1x16x4x?xf16>, %k: tensor<1x16x2x?xf16>) {
  // expected-error @+1 {{operand 'q' head dim D (dimension 3) must be static}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x?xf16>) kv(%k, %k : tensor<1x16x2x?xf16>, tensor<1x16x2x?xf16>) -> tensor<1x16x4x?xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @k_rank(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x8xf16>) {
  // expected-error @+1 {{operand 'k' must have rank 4 [B, S, Hk, D], got rank 3}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x8xf16>, tensor<1x16x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @k_element_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xbf16>) {
  // expected-error @+1 {{operand 'k' element type 'bf16' does not match operand 'q' element type 'f16'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xbf16>, tensor<1x16x2x8xbf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @v_differs_from_k(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %v: tensor<1x12x2x8xf16>) {
  // expected-error @+1 {{operand 'v' has type 'tensor<1x12x2x8xf16>', expected 'tensor<1x16x2x8xf16>' (as operand 'k')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %v : tensor<1x16x2x8xf16>, tensor<1x12x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @k_batch(%q: tensor<2x16x4x8xf16>, %k: tensor<3x16x2x8xf16>) {
  // expected-error @+1 {{operand 'k' batch size B (dimension 0) is 3, expected 2 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<2x16x4x8xf16>) kv(%k, %k : tensor<3x16x2x8xf16>, tensor<3x16x2x8xf16>) -> tensor<2x16x4x8xf16>, tensor<2x4x16xf32>
  return
}

// -----

func.func @k_dynamic_heads(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x?x8xf16>) {
  // expected-error @+1 {{operand 'k' key/value heads Hk (dimension 2) must be static}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x?x8xf16>, tensor<1x16x?x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @k_head_dim(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x16xf16>) {
  // expected-error @+1 {{operand 'k' head dim D (dimension 3) is 16, expected 8 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x16xf16>, tensor<1x16x2x16xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @heads_not_grouped(%q: tensor<1x16x6x8xf16>, %k: tensor<1x16x4x8xf16>) {
  // expected-error @+1 {{query heads Hq = 6 (operand 'q') must be a positive multiple of key/value heads Hk = 4 (operand 'k')}}
  %o, %l = moda.attention q(%q : tensor<1x16x6x8xf16>) kv(%k, %k : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>) -> tensor<1x16x6x8xf16>, tensor<1x6x16xf32>
  return
}

// -----

func.func @depth_only_heads_not_grouped(%q: tensor<1x16x6x8xf16>, %dk: tensor<1x16x3x4x8xf16>) {
  // expected-error @+1 {{query heads Hq = 6 (operand 'q') must be a positive multiple of key/value heads Hk = 4 (operand 'depth_k')}}
  %o, %l = moda.attention q(%q : tensor<1x16x6x8xf16>) depth(%dk, %dk : tensor<1x16x3x4x8xf16>, tensor<1x16x3x4x8xf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x16x6x8xf16>, tensor<1x6x16xf32>
  return
}

// -----

// Hq = 0 is a multiple of Hk but leaves no query head per group.
func.func @no_query_heads(%q: tensor<1x16x0x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{query heads Hq = 0 (operand 'q') must be a positive multiple of key/value heads Hk = 2 (operand 'k')}}
  %o, %l = moda.attention q(%q : tensor<1x16x0x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x0x8xf16>, tensor<1x0x16xf32>
  return
}

// -----

func.func @empty_heads(%q: tensor<1x16x2x0xf16>, %k: tensor<1x16x2x0xf16>) {
  // expected-error @+1 {{head dim D = 0 (operand 'q') must be positive}}
  %o, %l = moda.attention q(%q : tensor<1x16x2x0xf16>) kv(%k, %k : tensor<1x16x2x0xf16>, tensor<1x16x2x0xf16>) -> tensor<1x16x2x0xf16>, tensor<1x2x16xf32>
  return
}

// -----

func.func @head_too_wide(%q: tensor<1x16x2x4160xf16>, %k: tensor<1x16x2x4160xf16>) {
  // expected-error @+1 {{head dim D = 4160 (operand 'q') must be at most 4096}}
  %o, %l = moda.attention q(%q : tensor<1x16x2x4160xf16>) kv(%k, %k : tensor<1x16x2x4160xf16>, tensor<1x16x2x4160xf16>) -> tensor<1x16x2x4160xf16>, tensor<1x2x16xf32>
  return
}

// -----

func.func @too_many_query_heads(%q: tensor<1x16x4104x64xf16>, %k: tensor<1x16x1x64xf16>) {
  // expected-error @+1 {{query heads Hq = 4104 (operand 'q') must be at most 4096}}
  %o, %l = moda.attention q(%q : tensor<1x16x4104x64xf16>) kv(%k, %k : tensor<1x16x1x64xf16>, tensor<1x16x1x64xf16>) -> tensor<1x16x4104x64xf16>, tensor<1x4104x16xf32>
  return
}
