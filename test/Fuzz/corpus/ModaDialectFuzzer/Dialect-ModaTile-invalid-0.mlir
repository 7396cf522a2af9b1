func.func private @rows_heads() attributes {r = #moda_tile.rows<kind = key, heads = 0>}
