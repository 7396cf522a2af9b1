func.func private @chunk_without_size() attributes {v = #moda_tile.visibility<part = depth, depth = chunk>}
