func.func @entries_of_argument(%s: !moda.depth_stream<?x16x2x8xf16, size = 0, capacity = 4>) -> tensor<?x16x0x2x8xf16> {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x16x2x8xf16, size = 0, capacity = 4> -> tensor<?x16x0x2x8xf16>, tensor<?x16x0x2x8xf16>
  return %dk : tensor<?x16x0x2x8xf16>
}
