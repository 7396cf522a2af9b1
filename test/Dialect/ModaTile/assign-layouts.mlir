// RUN: moda-opt %s -split-input-file -moda-tile-assign-layouts | FileCheck %s

// On tensor cores (wgmma, 2 stages): both products on warpgroup MMA, the
// streamed key/value tiles copied by cp.async through num_stages buffers,
// the query tile loaded once.

// CHECK-LABEL: func.func private @wgmma
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 8, group = 8>}
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>}
// CHECK: moda_tile.dot {{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs}
// CHECK: moda_tile.dot {{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>}
func.func private @wgmma(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"wgmma", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 8, group = 8>} : memref<?xbf16> -> tensor<64x64xbf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %o = moda_tile.dot %s, %keys, %zeros : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

// On CUDA cores (fma): SIMT products and plain vector loads.

// CHECK-LABEL: func.func private @fma
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = depth, heads = 1>}
// CHECK: moda_tile.dot {{.*}} {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs}
func.func private @fma(%q: memref<?xf32>, %d: memref<?xf32>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = f32, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f32, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"fma", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xf32> -> tensor<16x32xf32>
  %depth = moda_tile.load %d[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xf32> -> tensor<16x32xf32>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  %s = moda_tile.dot %query, %depth, %zeros {transpose_rhs} : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x16xf32>
  return
}

// -----

// A key-side loop (the backward's dkv program) over 128 threads: the
// query tile and its rows' lse (one row of column statistics) are
// streamed (cp_async); two carried 64x64 f32 accumulators (32 registers
// each), two products per step (32 each) and the keys and values it holds
// from outside (16 each): 160 registers, past the 144 of the configuration
// rules, so the products read the held tiles from shared memory.

// CHECK-LABEL: func.func private @two_accumulators
// CHECK: scf.for
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = query, heads = 1>}
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> tensor<1x64xf32>
// CHECK: moda_tile.dot %[[KEYS:.*]], %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs}
// CHECK: moda_tile.dot %[[VALUES:.*]], %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs}
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>}
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>}
func.func private @two_accumulators(%q: memref<?xbf16>, %k: memref<?xbf16>, %lse: memref<?xf32>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"two_accumulators", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %values = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %dk, %dv = scf.for %j = %c0 to %n step %c1 iter_args(%a = %zeros, %b = %zeros) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
    %rows = moda_tile.load %q[%i, %i, %j] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
    %stats = moda_tile.load %lse[%i, %i, %j] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> tensor<1x64xf32>
    %s = moda_tile.dot %keys, %rows, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %dp = moda_tile.dot %values, %rows, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %p = moda_tile.softmax_probs %s, %stats {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<1x64xf32>
    %a1 = moda_tile.dot %p, %rows, %a : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %b1 = moda_tile.dot %dp, %rows, %b : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %a1, %b1 : tensor<64x64xf32>, tensor<64x64xf32>
  }
  return
}

// -----

// The query-side loop (the dq program): one carried accumulator, two
// products per step, two held tiles: 128 registers, within the budget, so
// the held tiles stay in registers.

// CHECK-LABEL: func.func private @one_accumulator
// CHECK-NOT: lhs_from_shared
func.func private @one_accumulator(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"one_accumulator", grid = [T ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %grad = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %dq = scf.for %j = %c0 to %n step %c1 iter_args(%a = %zeros) -> (tensor<64x64xf32>) {
    %keys = moda_tile.load %k[%i, %i, %j] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %dp = moda_tile.dot %grad, %keys, %zeros {transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %a1 = moda_tile.dot %dp, %keys, %a : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %a1 : tensor<64x64xf32>
  }
  return
}

// -----

// A forward step whose products are inside a moda_tile.if_seen counts them
// too: at D = 128 over 128 threads the carried accumulator (64 registers)
// and row state (1 + 1), the scores (32), the next accumulator (64) and
// the held query (32) pass the budget, so Q K^T reads the query from
// shared memory.

// CHECK-LABEL: func.func private @masked_steps
// CHECK: moda_tile.if_seen
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs}
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} :
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

// -----

// Functions that are not tile programs are left alone.

// CHECK-LABEL: func.func @plain
// CHECK-NOT: layout
func.func @plain(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %r = moda_tile.dot %a, %b, %a : tensor<4x4xf32>, tensor<4x4xf32> -> tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}

// -----

// A program without products (split-KV's merge, on f32 partial results):
// the configuration's layout distributes its rows, carried by the program
// itself; the rules on products (no tensor cores for f32) do not apply.

// CHECK-LABEL: func.func private @merge
// CHECK-SAME: moda_tile.layout = #moda_tile.layout<kind = wgmma, num_warps = 4>
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 4, group = 4>} : memref<?xf32> -> tensor<64x64xf32>
// CHECK: moda_tile.load {{.*}} {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = lse, heads = 4, group = 4>} : memref<?xf32> -> tensor<64xf32>
func.func private @merge(%part: memref<?xf32>, %plse: memref<?xf32>, %i: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 4, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 2>, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 4, 64], strides = [T*256, 256, 64, 1]>], launches = [#moda.abi_launch<"split", grid = [T*4 ceildiv 64, 2, B], threads = 128, dynamic_shared_memory = 0>, #moda.abi_launch<"merge", grid = [T*4 ceildiv 64, 1, B], threads = 128, dynamic_shared_memory = 0>]>} {
  %partial = moda_tile.load %part[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 4, group = 4>} : memref<?xf32> -> tensor<64x64xf32>
  %lse = moda_tile.load %plse[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 4, group = 4>} : memref<?xf32> -> tensor<64xf32>
  %m, %s, %a = moda_tile.merge_partial %partial, %lse, %lse, %lse, %partial : tensor<64x64xf32>, tensor<64xf32>
  return
}
