func.func @async_products(%a: tensor<64x64xbf16>, %zero: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) {
  %s = moda_tile.dot %a, %a, %zero {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %t = moda_tile.dot %a, %a, %zero {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %s1 = moda_tile.dot_wait %s {pending = 1 : i64} : tensor<64x64xf32>
  %s2, %t2 = moda_tile.dot_wait %s, %t {pending = 0 : i64} : tensor<64x64xf32>, tensor<64x64xf32>
  moda_tile.dot_wait {pending = 0 : i64}
  return %s1, %s2, %t2 : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
}
