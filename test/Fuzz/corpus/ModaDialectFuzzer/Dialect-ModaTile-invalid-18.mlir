func.func @softmax_rows(%s: tensor<32x16xf32>, %m: tensor<16xf32>) {
  %a, %b, %c, %d = moda_tile.softmax_update %s, %m, %m {exp2_scale = 1.0 : f32} : tensor<32x16xf32>, tensor<16xf32>
  return
}
