func.func private @rows_group() attributes {r = #moda_tile.rows<kind = query, heads = 4, group = 0>}
