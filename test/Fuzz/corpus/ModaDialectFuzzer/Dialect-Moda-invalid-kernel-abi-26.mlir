#config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">
#q = #moda.abi_tensor<"q" : bf16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>
#launch = #moda.abi_launch<"k", grid = [T*2 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>
func.func private @negative_size() attributes {abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.0 : f64, config = #config, sizes = [B = ?, T = -5, S = ?, L = ?], tensors = [#q], launches = [#launch]>}
