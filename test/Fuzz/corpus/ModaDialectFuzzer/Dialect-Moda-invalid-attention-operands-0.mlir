func.func @k_without_v(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  %o, %l = "moda.attention"(%q, %k) <{operandSegmentSizes = array<i32: 1, 1, 0, 0, 0, 0, 0, 0, 0>}> : (tensor<1x16x4x8xf16>, tensor<1x16x2x8xf16>) -> (tensor<1x16x4x8xf16>, tensor<1x4x16xf32>)
  return
}
