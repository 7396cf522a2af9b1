func.func private @negative_size(!moda.depth_stream<1x16x2x8xf16, size = -1, capacity = 4, window>)
