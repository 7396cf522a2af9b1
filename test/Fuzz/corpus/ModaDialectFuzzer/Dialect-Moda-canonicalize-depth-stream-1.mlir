func.func @entries_of_empty(%b: index, %t: index) -> (tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>) {
  %s = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4> -> tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>
  return %dk, %dv : tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>
}
