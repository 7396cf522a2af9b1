func.func @async_mma_sync(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  %d = moda_tile.dot %a, %a, %acc {async, layout = #moda_tile.layout<kind = mma_sync, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}
