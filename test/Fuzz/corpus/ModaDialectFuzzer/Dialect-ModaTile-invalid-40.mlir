func.func @lhs_from_shared_not_loaded(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  %d = moda_tile.dot %a, %a, %acc {lhs_from_shared, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}
