func.func @grad_rank(%p: tensor<32xf32>, %delta: tensor<32xf32>) {
  %ds = moda_tile.softmax_grad %p, %p, %delta {scale = 0.125 : f32} : tensor<32xf32>, tensor<32xf32>
  return
}
