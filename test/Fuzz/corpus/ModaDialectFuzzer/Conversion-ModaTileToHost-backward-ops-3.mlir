func.func @convert(%a: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %c = moda_tile.convert %a : tensor<4x8xf32> -> tensor<4x8xbf16>
  return %c : tensor<4x8xbf16>
}
