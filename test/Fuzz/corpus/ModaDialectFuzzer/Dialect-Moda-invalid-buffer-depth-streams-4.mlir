func.func @read_after_wrap(%s: !moda.depth_stream<1x8x1x16xf16, size = 2, capacity = 2, window>, %k: tensor<1x8x1x16xf16>) -> tensor<1x8x2x1x16xf16> {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x8x1x16xf16, size = 2, capacity = 2, window> -> tensor<1x8x2x1x16xf16>, tensor<1x8x2x1x16xf16>
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = 2, capacity = 2, window>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = 3, capacity = 2, window>
  return %dk : tensor<1x8x2x1x16xf16>
}
