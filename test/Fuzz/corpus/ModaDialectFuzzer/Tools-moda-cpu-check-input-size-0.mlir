func.func @huge(%q: tensor<1x2147483648x2x64xbf16>, %k: tensor<1x2147483648x2x64xbf16>) -> tensor<1x2147483648x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x2147483648x2x64xbf16>) kv(%k, %k : tensor<1x2147483648x2x64xbf16>, tensor<1x2147483648x2x64xbf16>) {causal} -> tensor<1x2147483648x2x64xbf16>, tensor<1x2x2147483648xf32>
  return %o : tensor<1x2147483648x2x64xbf16>
}
