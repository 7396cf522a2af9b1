func.func @dot(%a: tensor<4x8xbf16>, %b: tensor<2x8xbf16>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %r = moda_tile.dot %a, %b, %c {transpose_rhs} : tensor<4x8xbf16>, tensor<2x8xbf16> -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}
