func.func @entries_wrong_depth(%s: !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4>) {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4> -> tensor<1x16x4x2x8xf16>, tensor<1x16x2x2x8xf16>
  return
}
