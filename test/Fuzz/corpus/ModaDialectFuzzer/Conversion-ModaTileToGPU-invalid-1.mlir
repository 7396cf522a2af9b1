func.func private @wgmma(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>, %c: tensor<64x64xf32>) attributes {moda_tile.program, moda.kernel = {}} {
  %r = moda_tile.dot %a, %b, %c {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}
