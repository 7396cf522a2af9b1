func.func @row_dot_rank(%a: tensor<32xbf16>) {
  %d = moda_tile.row_dot %a, %a : tensor<32xbf16> -> tensor<32xf32>
  return
}
