func.func @append_wrong_value(%s: !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, %k: tensor<1x16x2x8xf16>, %v: tensor<1x16x2x8xbf16>) {
  %t = moda.stream.append %s, %k, %v : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xbf16> -> !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>
  return
}
