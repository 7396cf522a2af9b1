func.func @fork(%k: tensor<1x8x1x16xf16>) -> (tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>) {
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>
  %a = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2>
  %b = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2>
  %dka, %dva = moda.stream.entries %a : !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2> -> tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>
  %dkb, %dvb = moda.stream.entries %b : !moda.depth_stream<1x8x1x16xf16, size = 1, capacity = 2> -> tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>
  return %dka, %dkb : tensor<1x8x1x1x16xf16>, tensor<1x8x1x1x16xf16>
}
