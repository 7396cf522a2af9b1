func.func @grad_lse_type(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x16x4xf32>) {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x16x4xf32>) d_out(%q : tensor<1x16x4x8xf16>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}
