func.func @layer(%s: !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>, %k: tensor<1x8x1x16xf16>) -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3> {
  %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
  return %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
}
func.func @model(%k: tensor<1x8x1x16xf16>) -> tensor<1x8x?x1x16xf16> {
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
  %s1 = call @layer(%s0, %k) : (!moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>, tensor<1x8x1x16xf16>) -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
  %dk, %dv = moda.stream.entries %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3> -> tensor<1x8x?x1x16xf16>, tensor<1x8x?x1x16xf16>
  return %dk : tensor<1x8x?x1x16xf16>
}
