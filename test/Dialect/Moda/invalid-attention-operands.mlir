// RUN: moda-opt %s -split-input-file -verify-diagnostics

// Which operands each variant of moda.attention takes.

func.func @k_without_v(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{operands 'k' and 'v' must be given together}}
  %o, %l = "moda.attention"(%q, %k) <{operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 0, 0, 0, 0>}> : (tensor<1x16x4x8xf16>, tensor<1x16x2x8xf16>) -> (tensor<1x16x4x8xf16>, tensor<1x4x16xf32>)
  return
}

// -----

func.func @depth_k_without_depth_v(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{operands 'depth_k' and 'depth_v' must be given together}}
  %o, %l = "moda.attention"(%q, %k, %k, %dk) <{operandSegmentSizes = array<i32: 1, 1, 1, 1, 0, 0, 0, 0, 0>}> : (tensor<1x16x4x8xf16>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>, tensor<1x16x3x2x8xf16>) -> (tensor<1x16x4x8xf16>, tensor<1x4x16xf32>)
  return
}

// -----

func.func @no_sequence_keys(%q: tensor<1x16x4x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{operands 'k' and 'v' are required unless visibility = depth_only}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_only_with_keys(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{visibility = depth_only takes no sequence operands 'k' and 'v'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_only_without_depth(%q: tensor<1x16x4x8xf16>) {
  // expected-error @+1 {{visibility = depth_only needs operands 'depth_k' and 'depth_v'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @depth_only_causal(%q: tensor<1x16x4x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  // expected-error @+1 {{'causal' needs sequence keys; it has no meaning with visibility = depth_only}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {causal, visibility = #moda.visibility<depth_only>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @chunk_without_depth(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{visibility = chunk needs operands 'depth_k' and 'depth_v'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {visibility = #moda.visibility<chunk>, chunk_size = 4} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
