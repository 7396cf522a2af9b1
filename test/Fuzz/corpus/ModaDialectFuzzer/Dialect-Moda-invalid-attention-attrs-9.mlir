func.func @huge_scale_grad(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %lse: tensor<1x4x16xf32>) {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) out(%q, %lse : tensor<1x16x4x8xf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x8xf16>) {scale = 65537.0 : f32} -> dq(tensor<1x16x4x8xf16>) dkv(tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}
