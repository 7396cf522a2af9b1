func.func @grad_by_row(%p: tensor<4x8xf32>, %dp: tensor<4x8xf32>, %delta: tensor<4xf32>) -> tensor<4x8xf32> {
  %ds = moda_tile.softmax_grad %p, %dp, %delta {scale = 0.25 : f32} : tensor<4x8xf32>, tensor<4xf32>
  return %ds : tensor<4x8xf32>
}
