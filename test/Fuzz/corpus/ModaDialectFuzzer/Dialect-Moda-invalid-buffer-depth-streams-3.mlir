func.func @unknown_user() {
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>
  "test.use"(%s0) : (!moda.depth_stream<1x8x1x16xf16, size = 0, capacity = 2>) -> ()
  return
}
