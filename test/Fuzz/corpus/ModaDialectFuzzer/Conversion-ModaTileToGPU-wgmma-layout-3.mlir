func.func private @chained_products(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"chained_products", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%batch, %head, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%batch, %head, %c0] end %S extent %S {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %t = moda_tile.dot %query, %keys, %s {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
  %t1 = moda_tile.dot_wait %t {pending = 0 : i64} : tensor<64x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %sum0 = arith.constant dense<0.0> : tensor<64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %t1, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
  moda_tile.store %max1, %lse[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<64xf32>, memref<?xf32>
  return
}
