func.func private @layout_warpgroups() attributes {l = #moda_tile.layout<kind = wgmma, num_warps = 2>}
