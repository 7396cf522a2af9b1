func.func @views(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {causal, strided} -> tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>
  return %o : tensor<1x10x8x64xbf16>
}
