func.func private @element_type(!moda.depth_stream<1x16x2x8xi8, size = 0, capacity = 4>)
