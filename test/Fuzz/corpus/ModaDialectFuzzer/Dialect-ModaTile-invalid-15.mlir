func.func @dot_acc(%a: tensor<32x64xbf16>, %b: tensor<64x16xbf16>, %c: tensor<32x32xf32>) {
  %r = moda_tile.dot %a, %b, %c : tensor<32x64xbf16>, tensor<64x16xbf16> -> tensor<32x32xf32>
  return
}
