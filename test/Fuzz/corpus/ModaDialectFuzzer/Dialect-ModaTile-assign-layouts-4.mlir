func.func private @masked_steps(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 128, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 128], strides = [T*128, 128, 128, 1]>], launches = [#moda.abi_launch<"masked_steps", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x128xbf16>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %sum0 = arith.constant dense<0.0> : tensor<64xf32>
  %acc0 = arith.constant dense<0.0> : tensor<64x128xf32>
  %r:3 = scf.for %j = %c0 to %n step %c1 iter_args(%max = %max0, %sum = %sum0, %acc = %acc0) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>) {
    %keys = moda_tile.load %k[%i, %i, %j] end %i extent %i {rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<64x128xbf16>
    %next:3 = moda_tile.if_seen rows %i columns %j (T = %i, S = %i, L = %i) carrying %max, %sum, %acc {columns = 64 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32> {
      %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
      %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<64x128xbf16>, tensor<64x128xbf16> -> tensor<64x64xf32>
      %masked = moda_tile.mask %s rows %i columns %j (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64x64xf32>
      %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
      %scaled = moda_tile.scale_rows %acc, %alpha : tensor<64x128xf32>, tensor<64xf32>
      %acc1 = moda_tile.dot %p, %keys, %scaled : tensor<64x64xf32>, tensor<64x128xbf16> -> tensor<64x128xf32>
      moda_tile.yield %max1, %sum1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>
    }
    scf.yield %next#0, %next#1, %next#2 : tensor<64xf32>, tensor<64xf32>, tensor<64x128xf32>
  }
  return
}
