func.func private @vector_stages() attributes {c = #moda_tile.copy<kind = vector, stages = 3>}
