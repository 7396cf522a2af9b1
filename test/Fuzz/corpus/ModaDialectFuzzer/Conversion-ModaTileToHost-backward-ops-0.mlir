func.func @probs_by_column(%s: tensor<4x8xf32>, %lse: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.5 : f32} : tensor<4x8xf32>, tensor<1x8xf32>
  return %p : tensor<4x8xf32>
}
