func.func @deep(%q: tensor<1x100x16x64xbf16>, %k: tensor<1x100x2x64xbf16>, %dk: tensor<1x100x64x2x64xbf16>) -> tensor<1x100x16x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x16x64xbf16>) kv(%k, %k : tensor<1x100x2x64xbf16>, tensor<1x100x2x64xbf16>) depth(%dk, %dk : tensor<1x100x64x2x64xbf16>, tensor<1x100x64x2x64xbf16>) {causal} -> tensor<1x100x16x64xbf16>, tensor<1x16x100xf32>
  return %o : tensor<1x100x16x64xbf16>
}
