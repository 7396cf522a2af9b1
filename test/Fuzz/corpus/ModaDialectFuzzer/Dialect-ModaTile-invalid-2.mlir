func.func private @rows_depth_group() attributes {r = #moda_tile.rows<kind = depth, heads = 4, group = 2>}
