func.func @finalize_shape(%acc: tensor<32x64xf32>, %m: tensor<32xf32>) {
  %o, %l = moda_tile.finalize %acc, %m, %m {exp2_scale = 1.0 : f32} : tensor<32x64xf32>, tensor<32xf32> -> tensor<32x32xbf16>
  return
}
