func.func private @types(!moda.depth_stream<1x?x4x128xf16, size = 3, capacity = 48>)

func.func private @attrs() attributes {c = #moda.config<block_m = 64, block_n = 32, block_depth = 16, num_warps = 4, num_stages = 2, mma = fma, target = "sm_80">, v0 = #moda.visibility<per_position>, v1 = #moda.visibility<chunk>, v2 = #moda.visibility<depth_only>}
