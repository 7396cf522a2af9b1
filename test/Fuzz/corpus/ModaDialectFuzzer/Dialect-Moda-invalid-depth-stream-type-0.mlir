func.func private @rank(!moda.depth_stream<16x2x8xf16, size = 0, capacity = 4>)
