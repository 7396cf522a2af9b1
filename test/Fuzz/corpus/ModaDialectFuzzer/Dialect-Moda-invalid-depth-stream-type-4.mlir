func.func private @capacity(!moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 0>)
