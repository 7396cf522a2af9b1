func.func private @no_description(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program} {
  %r = moda_tile.dot %a, %b, %a {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}
