func.func @table_not_i32(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi64>, %s: index) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>) paged(%t, %s : tensor<2x4xi64>) -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}
