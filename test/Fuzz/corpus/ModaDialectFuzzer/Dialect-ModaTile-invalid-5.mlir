func.func private @depth_causal() attributes {v = #moda_tile.visibility<part = depth, causal = true>}
