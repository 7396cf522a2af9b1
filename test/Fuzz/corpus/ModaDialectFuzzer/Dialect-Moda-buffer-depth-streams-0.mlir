func.func @straight_line(%k0: tensor<1x16x2x32xbf16>, %k1: tensor<1x16x2x32xbf16>) -> (tensor<1x16x2x2x32xbf16>, tensor<1x16x2x2x32xbf16>) {
  %s0 = moda.stream.empty : !moda.depth_stream<1x16x2x32xbf16, size = 0, capacity = 4>
  %s1 = moda.stream.append %s0, %k0, %k0 : !moda.depth_stream<1x16x2x32xbf16, size = 0, capacity = 4>, tensor<1x16x2x32xbf16>, tensor<1x16x2x32xbf16> -> !moda.depth_stream<1x16x2x32xbf16, size = 1, capacity = 4>
  %s2 = moda.stream.append %s1, %k1, %k1 : !moda.depth_stream<1x16x2x32xbf16, size = 1, capacity = 4>, tensor<1x16x2x32xbf16>, tensor<1x16x2x32xbf16> -> !moda.depth_stream<1x16x2x32xbf16, size = 2, capacity = 4>
  %dk, %dv = moda.stream.entries %s2 : !moda.depth_stream<1x16x2x32xbf16, size = 2, capacity = 4> -> tensor<1x16x2x2x32xbf16>, tensor<1x16x2x2x32xbf16>
  return %dk, %dv : tensor<1x16x2x2x32xbf16>, tensor<1x16x2x2x32xbf16>
}
