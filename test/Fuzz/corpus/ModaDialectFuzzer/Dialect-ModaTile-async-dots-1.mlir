func.func private @chained(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>) -> tensor<64x64xbf16> attributes {moda_tile.program} {
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %x = moda_tile.dot %a, %b, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %y = moda_tile.dot %a, %b, %x {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %c = moda_tile.convert %y : tensor<64x64xf32> -> tensor<64x64xbf16>
  return %c : tensor<64x64xbf16>
}
