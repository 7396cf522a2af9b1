func.func @offsets_without_bound(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>) {
  %o, %l = "moda.attention"(%q, %k, %k, %cu) <{operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1, 0, 0, 0>}> : (tensor<30x4x64xbf16>, tensor<30x2x64xbf16>, tensor<30x2x64xbf16>, tensor<3xi32>) -> (tensor<30x4x64xbf16>, tensor<4x30xf32>)
  return
}
