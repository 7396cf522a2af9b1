func.func @append_to_full(%s: !moda.depth_stream<1x16x2x8xf16, size = 4, capacity = 4>, %k: tensor<1x16x2x8xf16>) {
  %t = "moda.stream.append"(%s, %k, %k) : (!moda.depth_stream<1x16x2x8xf16, size = 4, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> !moda.depth_stream<1x16x2x8xf16, size = 4, capacity = 4>
  return
}
