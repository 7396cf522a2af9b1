func.func private @copy_stages() attributes {c = #moda_tile.copy<kind = cp_async, stages = 0>}
