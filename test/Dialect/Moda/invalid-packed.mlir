// RUN: moda-opt %s -split-input-file -verify-diagnostics

// The rules of moda.attention over packed sequences: the offsets' type,
// the token-major shapes without a batch dimension, lse as [Hq, N], and
// the tile programs as the only lowering.

func.func @offsets_not_i32(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi64>, %max: index) {
  // expected-error @+1 {{operand 'cu_seqlens' must be a one-dimensional tensor of i32 offsets [n + 1], got 'tensor<3xi64>'}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi64>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @offsets_two_dimensional(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<1x3xi32>, %max: index) {
  // expected-error @+1 {{operand 'cu_seqlens' must be a one-dimensional tensor of i32 offsets [n + 1], got 'tensor<1x3xi32>'}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<1x3xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @no_offsets(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<0xi32>, %max: index) {
  // expected-error @+1 {{operand 'cu_seqlens' must hold at least one offset (n + 1 for n sequences), got none}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<0xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @offsets_without_bound(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>) {
  // expected-error @+1 {{operands 'cu_seqlens' and 'max_seqlen' must be given together (packed sequences)}}
  %o, %l = "moda.attention"(%q, %k, %k, %cu) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 0, 0, 0>}> : (tensor<30x4x64xbf16>, tensor<30x2x64xbf16>, tensor<30x2x64xbf16>, tensor<3xi32>) -> (tensor<30x4x64xbf16>, tensor<4x30xf32>)
  return
}

// -----

func.func @packed_strided(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{takes packed sequences, whose tensors are contiguous; 'strided' is not supported with them}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) {strided} -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @packed_query_with_batch(%q: tensor<1x30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{operand 'q' must have rank 3 [N, Hq, D], got rank 4}}
  %o, %l = moda.attention q(%q : tensor<1x30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> tensor<1x30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @keys_other_tokens(%q: tensor<30x4x64xbf16>, %k: tensor<31x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{operand 'k' tokens N (dimension 0) is 31, expected 30 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<31x2x64xbf16>, tensor<31x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @depth_other_tokens(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %dk: tensor<29x3x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{operand 'depth_k' tokens N (dimension 0) is 29, expected 30 (from operand 'q')}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) depth(%dk, %dk : tensor<29x3x2x64xbf16>, tensor<29x3x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @depth_with_batch(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %dk: tensor<1x30x3x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{operand 'depth_k' must have rank 4 [N, L, Hk, D], got rank 5}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) depth(%dk, %dk : tensor<1x30x3x2x64xbf16>, tensor<1x30x3x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

func.func @lse_batched(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{result 'lse' has type 'tensor<1x4x30xf32>', expected 'tensor<4x30xf32>' (as [Hq, N] in f32)}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> tensor<30x4x64xbf16>, tensor<1x4x30xf32>
  return
}

// -----

// The backward takes the same packed form, lse as [Hq, N].
func.func @grad_lse_batched(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %lse: tensor<1x4x30xf32>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{operand 'lse' has type 'tensor<1x4x30xf32>', expected 'tensor<4x30xf32>' (as [Hq, N] in f32)}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) out(%q, %lse : tensor<30x4x64xbf16>, tensor<1x4x30xf32>) d_out(%q : tensor<30x4x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> dq(tensor<30x4x64xbf16>) dkv(tensor<30x2x64xbf16>, tensor<30x2x64xbf16>)
  return
}

// -----

func.func @grad_offsets_not_i32(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %lse: tensor<4x30xf32>, %cu: tensor<3xf32>, %max: index) {
  // expected-error @+1 {{operand 'cu_seqlens' must be a one-dimensional tensor of i32 offsets [n + 1], got 'tensor<3xf32>'}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) out(%q, %lse : tensor<30x4x64xbf16>, tensor<4x30xf32>) d_out(%q : tensor<30x4x64xbf16>) packed(%cu, %max : tensor<3xf32>) -> dq(tensor<30x4x64xbf16>) dkv(tensor<30x2x64xbf16>, tensor<30x2x64xbf16>)
  return
}

// -----

func.func @grad_gradient_batched(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %lse: tensor<4x30xf32>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{result 'dk' has type 'tensor<1x30x2x64xbf16>', expected 'tensor<30x2x64xbf16>' (as operand 'k')}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) out(%q, %lse : tensor<30x4x64xbf16>, tensor<4x30xf32>) d_out(%q : tensor<30x4x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> dq(tensor<30x4x64xbf16>) dkv(tensor<1x30x2x64xbf16>, tensor<30x2x64xbf16>)
  return
}
