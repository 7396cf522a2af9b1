func.func @pages_of_16(%q: tensor<1x1x8x64xbf16>, %k: tensor<?x16x4x64xbf16>, %t: tensor<1x512xi32>, %s: index) -> tensor<1x1x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x1x8x64xbf16>) kv(%k, %k : tensor<?x16x4x64xbf16>, tensor<?x16x4x64xbf16>) paged(%t, %s : tensor<1x512xi32>) {causal} -> tensor<1x1x8x64xbf16>, tensor<1x8x1xf32>
  return %o : tensor<1x1x8x64xbf16>
}
