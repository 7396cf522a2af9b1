func.func private @layout_warps() attributes {l = #moda_tile.layout<kind = fma, num_warps = 0>}
