func.func private @program(%q: memref<?xbf16>, %dk: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index, %L: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 8, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = ?], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 8, 64], strides = [T*512, 512, 64, 1]>], launches = [#moda.abi_launch<"program", grid = [T*8 ceildiv 64, 1, B], threads = 64, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %rows = arith.constant 64 : index
  %first = arith.muli %block, %rows : index
  %entries = arith.muli %T, %L : index
  %query = moda_tile.load %q[%batch, %head, %first] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 8, group = 8>} : memref<?xbf16> -> tensor<64x64xbf16>
  %begin, %end = moda_tile.visible_range %block (T = %T, S = %S, L = %L) {visibility = #moda_tile.visibility<part = depth>}
  %keys = moda_tile.load %dk[%batch, %head, %begin] end %entries extent %entries {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %max0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %sum0 = arith.constant dense<0.0> : tensor<64xf32>
  %acc0 = arith.constant dense<0.0> : tensor<64x64xf32>
  %next:3 = moda_tile.if_seen rows %first columns %begin (T = %T, S = %S, L = %L) carrying %max0, %sum0, %acc0 {columns = 64 : i64, group = 8 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
    %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 2>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %masked = moda_tile.mask %s rows %first columns %begin (T = %T, S = %S, L = %L) {group = 8 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64x64xf32>
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %scaled = moda_tile.scale_rows %acc0, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %keys, %scaled {layout = #moda_tile.layout<kind = fma, num_warps = 2>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    moda_tile.yield %max1, %sum1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  %o, %l = moda_tile.finalize %next#2, %next#0, %next#1 {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>
  moda_tile.store %o, %out[%batch, %head, %first] end %T extent %T {rows = #moda_tile.rows<kind = query, heads = 8, group = 8>} : tensor<64x64xbf16>, memref<?xbf16>
  moda_tile.store %l, %lse[%batch, %head, %first] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 8, group = 8>} : tensor<64xf32>, memref<?xf32>
  return
}
