func.func @grad_delta_shape(%p: tensor<32x16xf32>, %delta: tensor<2x16xf32>) {
  %ds = moda_tile.softmax_grad %p, %p, %delta {scale = 0.125 : f32} : tensor<32x16xf32>, tensor<2x16xf32>
  return
}
