// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The result types of moda.attention follow from the queries.

func.func @out_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{result 'out' has type 'tensor<1x16x4x8xf32>', expected 'tensor<1x16x4x8xf16>' (as operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf32>, tensor<1x4x16xf32>
  return
}

// -----

func.func @lse_layout(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{result 'lse' has type 'tensor<1x16x4xf32>', expected 'tensor<1x4x16xf32>' (as [B, Hq, T] in f32)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x16x4xf32>
  return
}

// -----

func.func @lse_element_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  // expected-error @+1 {{result 'lse' has type 'tensor<1x4x16xf16>', expected 'tensor<1x4x16xf32>' (as [B, Hq, T] in f32)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf16>
  return
}
