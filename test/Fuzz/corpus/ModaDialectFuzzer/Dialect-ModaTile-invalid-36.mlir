func.func @convert_shape(%a: tensor<32x64xf32>) {
  %c = moda_tile.convert %a : tensor<32x64xf32> -> tensor<32x32xbf16>
  return
}
