func.func private @held_keys(%q: memref<?xbf16>, %k: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 16, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"held_keys", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %keys = moda_tile.load %k[%c0, %c0, %block] end %S extent %S {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %max = scf.for %j = %c0 to %n step %c1 iter_args(%m = %max0) -> (tensor<64xf32>) {
    %rows = moda_tile.load %q[%c0, %c0, %j] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %keys, %rows, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs} : tensor<64x64xbf16>, tensor<16x64xbf16> -> tensor<64x16xf32>
    %m1, %p, %alpha, %sum = moda_tile.softmax_update %s, %m, %max0 {exp2_scale = 0.18 : f32} : tensor<64x16xf32>, tensor<64xf32>
    scf.yield %m1 : tensor<64xf32>
  }
  moda_tile.store %max, %lse[%c0, %c0, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<64xf32>, memref<?xf32>
  return
}
