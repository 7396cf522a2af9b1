func.func @table_without_num_keys(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x64x2x64xbf16>, %t: tensor<2x4xi32>) {
  %o, %l = "moda.attention"(%q, %k, %k, %t) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 0, 0, 1, 0>}> : (tensor<2x1x4x64xbf16>, tensor<8x64x2x64xbf16>, tensor<8x64x2x64xbf16>, tensor<2x4xi32>) -> (tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>)
  return
}
