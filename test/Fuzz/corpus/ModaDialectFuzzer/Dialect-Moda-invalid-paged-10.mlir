func.func @num_keys_past_the_table(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi32>) {
  %s = arith.constant 257 : index
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}
