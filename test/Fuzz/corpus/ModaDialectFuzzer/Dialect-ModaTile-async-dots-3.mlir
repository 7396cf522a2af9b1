func.func private @mma_sync(%a: tensor<64x64xbf16>) -> tensor<64x64xf32> attributes {moda_tile.program} {
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %x = moda_tile.dot %a, %a, %zero {layout = #moda_tile.layout<kind = mma_sync, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return %x : tensor<64x64xf32>
}
