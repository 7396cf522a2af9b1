func.func private @no_layout(%a: tensor<32x16xf32>, %b: tensor<16x16xf32>) attributes {moda_tile.program, moda.kernel = {}} {
  %r = moda_tile.dot %a, %b, %a : tensor<32x16xf32>, tensor<16x16xf32> -> tensor<32x16xf32>
  return
}
