func.func @row_dot(%a: tensor<4x8xbf16>, %b: tensor<4x8xbf16>) -> tensor<4xf32> {
  %d = moda_tile.row_dot %a, %b : tensor<4x8xbf16> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
