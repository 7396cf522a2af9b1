func.func private @sequence_chunk() attributes {v = #moda_tile.visibility<part = sequence, chunk_size = 4>}
