func.func @softmax(%s: tensor<4x2xf32>, %m: tensor<4xf32>, %acc: tensor<4x8xf32>) -> (tensor<4x8xbf16>, tensor<4xf32>) {
  %m1, %p, %alpha, %s1 = moda_tile.softmax_update %s, %m, %m {exp2_scale = 0.5 : f32} : tensor<4x2xf32>, tensor<4xf32>
  %scaled = moda_tile.scale_rows %acc, %alpha : tensor<4x8xf32>, tensor<4xf32>
  %o, %l = moda_tile.finalize %scaled, %m1, %s1 {exp2_scale = 0.5 : f32} : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8xbf16>
  return %o, %l : tensor<4x8xbf16>, tensor<4xf32>
}
