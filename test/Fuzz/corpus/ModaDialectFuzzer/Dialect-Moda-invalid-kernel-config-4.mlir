func.func private @num_warps() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 6, num_stages = 2, mma = mma_sync, target = "sm_90a">}
