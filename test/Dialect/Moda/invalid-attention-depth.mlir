// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The depth operands of moda.attention: [B, T, L, Hk, D].

func.func @depth_rank(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{operand 'depth_k' must have rank 5 [B, T, L, Hk, D], got rank 4}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_element_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf32>) {
  // expected-error @+1 {{operand 'depth_k' element type 'f32' does not match operand 'q' element type 'f16'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf32>, tensor<1x16x3x2x8xf32>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_v_differs(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>, %dv: tensor<1x16x4x2x8xf16>) {
  // expected-error @+1 {{operand 'depth_v' has type 'tensor<1x16x4x2x8xf16>', expected 'tensor<1x16x3x2x8xf16>' (as operand 'depth_k')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dv : tensor<1x16x3x2x8xf16>, tensor<1x16x4x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_batch(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<2x16x3x2x8xf16>) {
  // expected-error @+1 {{operand 'depth_k' batch size B (dimension 0) is 2, expected 1 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<2x16x3x2x8xf16>, tensor<2x16x3x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_positions(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x15x3x2x8xf16>) {
  // expected-error @+1 {{operand 'depth_k' positions T (dimension 1) is 15, expected 16 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x15x3x2x8xf16>, tensor<1x15x3x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_dynamic_heads(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x?x8xf16>) {
  // expected-error @+1 {{operand 'depth_k' key/value heads Hk (dimension 3) must be static}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x?x8xf16>, tensor<1x16x3x?x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_head_dim(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x4xf16>) {
  // expected-error @+1 {{operand 'depth_k' head dim D (dimension 4) is 4, expected 8 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x4xf16>, tensor<1x16x3x2x4xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_heads_differ_from_k(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x4x8xf16>) {
  // expected-error @+1 {{operand 'depth_k' key/value heads Hk (dimension 3) is 4, expected 2 (from operand 'k')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x4x8xf16>, tensor<1x16x3x4x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
