func.func @async_no_layout(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  %d = moda_tile.dot %a, %a, %acc {async} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}
