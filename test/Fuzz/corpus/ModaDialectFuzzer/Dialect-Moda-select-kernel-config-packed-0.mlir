func.func @packed(%q: tensor<40x8x64xbf16>, %k: tensor<40x1x64xbf16>, %cu: tensor<3xi32>, %max: index) -> tensor<40x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<40x8x64xbf16>) kv(%k, %k : tensor<40x1x64xbf16>, tensor<40x1x64xbf16>) packed(%cu, %max : tensor<3xi32>) {causal} -> tensor<40x8x64xbf16>, tensor<8x40xf32>
  return %o : tensor<40x8x64xbf16>
}
