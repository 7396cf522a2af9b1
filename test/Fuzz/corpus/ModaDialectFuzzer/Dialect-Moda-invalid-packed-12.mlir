func.func @grad_gradient_batched(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %lse: tensor<4x30xf32>, %cu: tensor<3xi32>, %max: index) {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) out(%q, %lse : tensor<30x4x64xbf16>, tensor<4x30xf32>) d_out(%q : tensor<30x4x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> dq(tensor<30x4x64xbf16>) dkv(tensor<1x30x2x64xbf16>, tensor<30x2x64xbf16>)
  return
}
