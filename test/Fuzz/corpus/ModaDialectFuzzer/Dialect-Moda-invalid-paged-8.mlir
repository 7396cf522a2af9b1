func.func @pages_of_other_heads(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x1x64xbf16>, %v: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %v : tensor<8x64x1x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}
