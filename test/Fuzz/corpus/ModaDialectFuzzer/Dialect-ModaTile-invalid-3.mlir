func.func private @rows_multiple() attributes {r = #moda_tile.rows<kind = lse, heads = 6, group = 4>}
