func.func @missing_d_out(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %l: tensor<1x4x16xf32>) {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %l : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}
