func.func @append_count_overflow(%s: !moda.depth_stream<1x16x2x8xf16, size = 9223372036854775807, capacity = 4, window>, %k: tensor<1x16x2x8xf16>) {
  %t = "moda.stream.append"(%s, %k, %k) : (!moda.depth_stream<1x16x2x8xf16, size = 9223372036854775807, capacity = 4, window>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> !moda.depth_stream<1x16x2x8xf16, size = 9223372036854775807, capacity = 4, window>
  return
}
