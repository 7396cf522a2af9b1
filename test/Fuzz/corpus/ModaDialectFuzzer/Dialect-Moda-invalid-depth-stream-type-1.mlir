func.func private @dynamic_heads(!moda.depth_stream<1x16x?x8xf16, size = 0, capacity = 4>)
