func.func private @dynamic_head_dim(!moda.depth_stream<1x16x2x?xf16, size = 0, capacity = 4>)
