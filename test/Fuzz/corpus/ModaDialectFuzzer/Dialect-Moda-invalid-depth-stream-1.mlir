func.func @empty_not_empty() {
  %s = moda.stream.empty : !moda.depth_stream<1x16x2x8xf16, size = 2, capacity = 4>
  return
}
