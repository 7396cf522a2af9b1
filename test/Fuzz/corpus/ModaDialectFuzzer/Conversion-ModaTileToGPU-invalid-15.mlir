func.func private @wgmma_unswizzled(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"wgmma_unswizzled", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x32xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x32xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x32xbf16>, tensor<16x32xbf16> -> tensor<64x16xf32>
  return
}
