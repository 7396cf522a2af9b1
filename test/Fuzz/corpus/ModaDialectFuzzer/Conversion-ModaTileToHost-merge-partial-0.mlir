func.func @merge(%part: tensor<4x8xf32>, %plse: tensor<4xf32>, %max: tensor<4xf32>, %sum: tensor<4xf32>, %acc: tensor<4x8xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>) {
  %m, %s, %a = moda_tile.merge_partial %part, %plse, %max, %sum, %acc : tensor<4x8xf32>, tensor<4xf32>
  return %m, %s, %a : tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>
}
