func.func @paged_chunk(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %dk: tensor<2x1x3x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) depth(%dk, %dk : tensor<2x1x3x2x64xbf16>, tensor<2x1x3x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) {visibility = #moda.visibility<chunk>, chunk_size = 4} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}
