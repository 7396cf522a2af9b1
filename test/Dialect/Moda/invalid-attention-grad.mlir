// RUN: moda-opt %s -split-input-file -verify-diagnostics

// moda.attention_grad shares the operand rules of moda.attention and adds
// the forward's results, the output gradient and one gradient per input.

func.func @grad_shares_operand_rules(%q: tensor<1x16x6x8xf16>, %k: tensor<1x16x4x8xf16>, %o: tensor<1x16x6x8xf16>, %l: tensor<1x6x16xf32>) {
  // expected-error @+1 {{query heads Hq = 6 (operand 'q') must be a positive multiple of key/value heads Hk = 4 (operand 'k')}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x6x8xf16>) kv(%k, %k : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>) out(%o, %l : tensor<1x16x6x8xf16>, tensor<1x6x16xf32>) d_out(%o : tensor<1x16x6x8xf16>) -> dq(tensor<1x16x6x8xf16>) dkv(tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>)
  return
}

// -----

func.func @grad_out_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %o: tensor<1x16x4x8xbf16>, %l: tensor<1x4x16xf32>) {
  // expected-error @+1 {{operand 'out' has type 'tensor<1x16x4x8xbf16>', expected 'tensor<1x16x4x8xf16>' (as operand 'q')}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%o, %l : tensor<1x16x4x8xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

func.func @grad_lse_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x16x4xf32>) {
  // expected-error @+1 {{operand 'lse' has type 'tensor<1x16x4xf32>', expected 'tensor<1x4x16xf32>' (as [B, Hq, T] in f32)}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x16x4xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

func.func @grad_d_out_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x4x16xf32>, %do: tensor<1x16x4x16xf16>) {
  // expected-error @+1 {{operand 'd_out' has type 'tensor<1x16x4x16xf16>', expected 'tensor<1x16x4x8xf16>' (as operand 'q')}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%do : tensor<1x16x4x16xf16>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

func.func @grad_dq_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x4x16xf32>) {
  // expected-error @+1 {{result 'dq' has type 'tensor<1x16x4x8xf32>', expected 'tensor<1x16x4x8xf16>' (as operand 'q')}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf32>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}

// -----

func.func @grad_missing_dkv(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x4x16xf32>) {
  // expected-error @+1 {{result 'dk' must be present exactly when operand 'k' is}}
  %dq = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf16>)
  return
}

// -----

func.func @grad_extra_depth_gradients(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x4x16xf32>) {
  // expected-error @+1 {{result 'd_depth_k' must be present exactly when operand 'depth_k' is}}
  %dq, %dk, %dv, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) d_depth(tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>)
  return
}

// -----

func.func @grad_depth_gradient_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>, %l: tensor<1x4x16xf32>) {
  // expected-error @+1 {{result 'd_depth_v' has type 'tensor<1x16x2x2x8xf16>', expected 'tensor<1x16x3x2x8xf16>' (as operand 'depth_v')}}
  %dq, %dkk, %dvv, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) d_depth(tensor<1x16x3x2x8xf16>, tensor<1x16x2x2x8xf16>)
  return
}
