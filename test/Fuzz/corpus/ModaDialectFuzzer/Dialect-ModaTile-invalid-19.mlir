func.func @scale_rows(%t: tensor<32x64xf32>, %f: tensor<64xf32>) {
  %r = moda_tile.scale_rows %t, %f : tensor<32x64xf32>, tensor<64xf32>
  return
}
