func.func private @lse_from_shared(%q: memref<?xbf16>, %k: memref<?xbf16>, %lse: memref<?xf32>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"lse_from_shared", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %stats = moda_tile.load %lse[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> tensor<1x64xf32>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %row = arith.constant dense<0.0> : tensor<1x64xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %t = moda_tile.dot %stats, %keys, %row {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs} : tensor<1x64xf32>, tensor<64x64xbf16> -> tensor<1x64xf32>
  return
}
