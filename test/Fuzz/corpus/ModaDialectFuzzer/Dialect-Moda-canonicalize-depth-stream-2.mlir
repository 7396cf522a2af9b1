func.func @entries_of_full(%k: tensor<1x16x2x8xf16>) -> tensor<1x16x1x2x8xf16> {
  %s = moda.stream.empty : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>
  %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16> -> !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>
  %dk, %dv = moda.stream.entries %s1 : !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4> -> tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>
  return %dk : tensor<1x16x1x2x8xf16>
}
