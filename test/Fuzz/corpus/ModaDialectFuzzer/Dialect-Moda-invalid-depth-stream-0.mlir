func.func @empty_missing_sizes(%b: index) {
  %s = moda.stream.empty(%b) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  return
}
