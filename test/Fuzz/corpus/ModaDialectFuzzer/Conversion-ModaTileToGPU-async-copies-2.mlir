func.func private @column_statistics(%q: memref<?xf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 2, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>], launches = [#moda.abi_launch<"column_statistics", grid = [S ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %c0 = arith.constant 0 : index
  %keys = moda_tile.load %q[%block, %block, %block] end %S extent %S {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %f = moda_tile.async_load %lse[%block, %block, %c0] end %T extent %T slot %c0 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> !moda_tile.future<tensor<1x16xf32>>
  moda_tile.commit
  %stats = moda_tile.wait %f {pending = 0 : i64} : !moda_tile.future<tensor<1x16xf32>>
  %query = moda_tile.load %q[%block, %block, %c0] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xf16> -> tensor<16x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %keys, %query, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
  %p = moda_tile.softmax_probs %s, %stats {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
  return
}
