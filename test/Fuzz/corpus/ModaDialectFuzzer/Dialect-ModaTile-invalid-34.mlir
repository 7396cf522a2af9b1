func.func @row_dot_result(%a: tensor<32x64xbf16>) {
  %d = moda_tile.row_dot %a, %a : tensor<32x64xbf16> -> tensor<16xf32>
  return
}
