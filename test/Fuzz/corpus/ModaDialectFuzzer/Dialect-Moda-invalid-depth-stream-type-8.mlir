func.func private @syntax(!moda.depth_stream<1x16x2x8xf16, size = 1>)
