func.func @no_config(%q: tensor<1x8x2x64xbf16>, %k: tensor<1x8x1x64xbf16>) -> tensor<1x8x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x8x2x64xbf16>) kv(%k, %k : tensor<1x8x1x64xbf16>, tensor<1x8x1x64xbf16>) {causal} -> tensor<1x8x2x64xbf16>, tensor<1x2x8xf32>
  return %o : tensor<1x8x2x64xbf16>
}
