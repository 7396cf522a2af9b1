func.func private @effects_fence(%a: tensor<64x64xbf16>, %buf: memref<?xbf16>, %i: index) -> (tensor<64x64xbf16>, tensor<64x64xf32>) attributes {moda_tile.program} {
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %x = moda_tile.dot %a, %a, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %t = moda_tile.load %buf[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %y = moda_tile.dot %a, %a, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %c = moda_tile.convert %x : tensor<64x64xf32> -> tensor<64x64xbf16>
  return %c, %y : tensor<64x64xbf16>, tensor<64x64xf32>
}
