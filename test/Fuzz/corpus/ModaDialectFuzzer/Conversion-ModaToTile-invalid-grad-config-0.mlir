func.func @no_config(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x64xbf16> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) out(%q, %lse : tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x64xbf16>) -> dq(tensor<1x16x4x64xbf16>) dkv(tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>)
  return %dq : tensor<1x16x4x64xbf16>
}
