func.func @paged_and_packed(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index, %t: tensor<2x4xi32>) {
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) paged(%t, %max : tensor<2x4xi32>) -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}
