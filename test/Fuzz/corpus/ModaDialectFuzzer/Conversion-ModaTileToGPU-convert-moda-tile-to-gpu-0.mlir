func.func private @program(%q: memref<?xf16>, %k: memref<?xf16>, %out: memref<?xf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"program", grid = [T ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 4096>]>} {
  %id = moda_tile.program_id x
  %blocks = moda_tile.num_programs x
  %c1 = arith.constant 1 : index
  %last = arith.subi %blocks, %c1 : index
  %block = arith.subi %last, %id : index
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%batch, %head, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xf16> -> tensor<32x64xf16>
  %keys = moda_tile.load %k[%batch, %head, %c0] end %S extent %S {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<32xf32>
  %sum0 = arith.constant dense<0.0> : tensor<32xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %s, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<32xf32>
  %acc1 = moda_tile.dot %p, %keys, %acc0 {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x64xf16> -> tensor<32x64xf32>
  %o, %l = moda_tile.finalize %acc1, %max1, %sum1 {exp2_scale = 0.18 : f32} : tensor<32x64xf32>, tensor<32xf32> -> tensor<32x64xf16>
  moda_tile.store %o, %out[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : tensor<32x64xf16>, memref<?xf16>
  moda_tile.store %l, %lse[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : tensor<32xf32>, memref<?xf32>
  return
}
func.func @launch(%q: memref<?xf16>, %k: memref<?xf16>, %out: memref<?xf16>, %lse: memref<?xf32>, %T: index, %S: index) {
  %c1 = arith.constant 1 : index
  moda_tile.launch @program grid(%c1, %c1, %c1) (%q, %k, %out, %lse, %T, %S) : memref<?xf16>, memref<?xf16>, memref<?xf16>, memref<?xf32>, index, index
  return
}
