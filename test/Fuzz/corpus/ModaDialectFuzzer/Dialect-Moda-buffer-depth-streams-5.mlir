func.func @static_read_of_dynamic_size(%s: !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3>) -> tensor<1x4x2x1x8xf32> {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3> -> tensor<1x4x2x1x8xf32>, tensor<1x4x2x1x8xf32>
  return %dk : tensor<1x4x2x1x8xf32>
}
