func.func @dot_contraction(%a: tensor<32x64xbf16>, %b: tensor<16x32xbf16>, %c: tensor<32x16xf32>) {
  %r = moda_tile.dot %a, %b, %c {transpose_rhs} : tensor<32x64xbf16>, tensor<16x32xbf16> -> tensor<32x16xf32>
  return
}
