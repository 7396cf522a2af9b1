func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> tensor<70x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o : tensor<70x2x64xbf16>
}
