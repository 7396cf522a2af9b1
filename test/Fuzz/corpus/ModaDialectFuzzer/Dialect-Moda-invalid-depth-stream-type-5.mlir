func.func private @over_capacity(!moda.depth_stream<1x16x2x8xf16, size = 5, capacity = 4>)
