func.func @packed_grad(%q: tensor<40x8x64xbf16>, %k: tensor<40x1x64xbf16>, %lse: tensor<8x40xf32>, %cu: tensor<3xi32>, %max: index) -> tensor<40x8x64xbf16> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<40x8x64xbf16>) kv(%k, %k : tensor<40x1x64xbf16>, tensor<40x1x64xbf16>) out(%q, %lse : tensor<40x8x64xbf16>, tensor<8x40xf32>) d_out(%q : tensor<40x8x64xbf16>) packed(%cu, %max : tensor<3xi32>) {causal} -> dq(tensor<40x8x64xbf16>) dkv(tensor<40x1x64xbf16>, tensor<40x1x64xbf16>)
  return %dq : tensor<40x8x64xbf16>
}
