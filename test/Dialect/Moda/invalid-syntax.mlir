// RUN: moda-opt %s -split-input-file -verify-diagnostics

// Parse errors in the custom forms point at the offending token.

func.func @missing_result_types(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{expected '->'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

func.func @unknown_visibility(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+2 {{expected ::mlir::moda::DepthVisibility to be one of: per_position, chunk, depth_only}}
  // expected-error @+1 {{failed to parse Moda_DepthVisibilityAttr parameter 'value'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {visibility = #moda.visibility<sliding>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}

// -----

func.func @missing_d_out(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x4x16xf32>) {
  // expected-error @+1 {{expected 'd_out'}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

func.func @unsized_operand(%q: tensor<*xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf16>'}}
  %o, %l = moda.attention q(%q : tensor<*xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
