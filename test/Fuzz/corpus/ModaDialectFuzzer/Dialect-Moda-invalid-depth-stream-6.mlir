func.func @append_wrong_result_size(%s: !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>, %k: tensor<1x16x2x8xf16>) {
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16> -> !moda.depth_stream<1x16x2x8xf16, size = 3, capacity = 4>
  return
}
