func.func @window(%k0: tensor<1x4x1x8xf32>, %k1: tensor<1x4x1x8xf32>, %k2: tensor<1x4x1x8xf32>) -> tensor<1x4x2x1x8xf32> {
  %s0 = moda.stream.empty : !moda.depth_stream<1x4x1x8xf32, size = 0, capacity = 2, window>
  %s1 = moda.stream.append %s0, %k0, %k0 : !moda.depth_stream<1x4x1x8xf32, size = 0, capacity = 2, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = 1, capacity = 2, window>
  %s2 = moda.stream.append %s1, %k1, %k1 : !moda.depth_stream<1x4x1x8xf32, size = 1, capacity = 2, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = 2, capacity = 2, window>
  %s3 = moda.stream.append %s2, %k2, %k2 : !moda.depth_stream<1x4x1x8xf32, size = 2, capacity = 2, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = 3, capacity = 2, window>
  %dk, %dv = moda.stream.entries %s3 : !moda.depth_stream<1x4x1x8xf32, size = 3, capacity = 2, window> -> tensor<1x4x2x1x8xf32>, tensor<1x4x2x1x8xf32>
  return %dk : tensor<1x4x2x1x8xf32>
}
