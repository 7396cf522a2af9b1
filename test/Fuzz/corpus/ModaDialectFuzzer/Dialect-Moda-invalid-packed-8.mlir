func.func @depth_with_batch(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %dk: tensor<1x30x3x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) depth(%dk, %dk : tensor<1x30x3x2x64xbf16>, tensor<1x30x3x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}
