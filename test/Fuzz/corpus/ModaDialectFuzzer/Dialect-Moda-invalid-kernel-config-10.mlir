func.func private @kv_splits_zero() attributes {c = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a", kv_splits = 0>}
