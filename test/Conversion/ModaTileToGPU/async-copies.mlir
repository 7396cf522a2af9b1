// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu | FileCheck %s

// A pipelined loop on the mma_sync layout: one multi-buffer of two 16x64
// slots; each batch of copies after a barrier, into the slot the future
// names (slot x 1024 elements on), cp.async commit and wait_group 1 then a
// barrier; the loop carries the slots (index) in place of the futures; the
// product reads the waited slot; the drain waits for every group.

// CHECK-LABEL: gpu.func @program
// CHECK: %[[BUF:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<2048xbf16, #gpu.address_space<workgroup>>
// CHECK: gpu.barrier
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[BUF]][%{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK: nvvm.cp.async.commit.group
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %[[SLOT:.*]] = %{{.*}}) -> (vector<8xf32>, index)
// CHECK: gpu.barrier
// CHECK: %[[NEXT_BASE:.*]] = arith.muli %[[NEXT:.*]], %c1024
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK-NEXT: nvvm.cp.async.wait.group 1
// CHECK-NEXT: gpu.barrier
// CHECK: %[[BASE:.*]] = arith.muli %[[SLOT]], %c1024
// CHECK: %[[AT:.*]] = arith.addi %[[BASE]], %{{.*}}
// CHECK: nvgpu.ldmatrix %[[BUF]][%[[AT]]] {numTiles = 4 : i32, transpose = false}
// CHECK: nvvm.mma.sync
// CHECK: scf.yield %{{.*}}, %[[NEXT]] : vector<8xf32>, index
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
func.func private @program(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"program", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  %f0 = moda_tile.async_load %k[%i, %i, %c0] end %i extent %i slot %c0 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
  moda_tile.commit
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros, %f = %f0) -> (tensor<16x16xf32>, !moda_tile.future<tensor<16x64xbf16>>) {
    %ahead = arith.addi %j, %c1 : index
    %slot = arith.remui %ahead, %c2 : index
    %next = moda_tile.async_load %k[%i, %i, %ahead] end %i extent %i slot %slot {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
    moda_tile.commit
    %keys = moda_tile.wait %f {pending = 1 : i64} : !moda_tile.future<tensor<16x64xbf16>>
    %s = moda_tile.dot %query, %keys, %acc {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
    scf.yield %s, %next : tensor<16x16xf32>, !moda_tile.future<tensor<16x64xbf16>>
  }
  moda_tile.wait {pending = 0 : i64}
  return
}

// -----

// moda-tile-pipeline's order: the wait first (its barrier also tells every
// thread is done with the previous iteration's slot), then the next batch
// of copies with no barrier of its own.

// CHECK-LABEL: gpu.func @wait_first
// CHECK: scf.for
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: gpu.barrier
// CHECK-NOT: gpu.barrier
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.mma.sync
func.func private @wait_first(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"wait_first", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  %f0 = moda_tile.async_load %k[%i, %i, %c0] end %i extent %i slot %c0 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
  moda_tile.commit
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros, %f = %f0) -> (tensor<16x16xf32>, !moda_tile.future<tensor<16x64xbf16>>) {
    %keys = moda_tile.wait %f {pending = 0 : i64} : !moda_tile.future<tensor<16x64xbf16>>
    %ahead = arith.addi %j, %c1 : index
    %slot = arith.remui %ahead, %c2 : index
    %next = moda_tile.async_load %k[%i, %i, %ahead] end %i extent %i slot %slot {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
    moda_tile.commit
    %s = moda_tile.dot %query, %keys, %acc {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
    scf.yield %s, %next : tensor<16x16xf32>, !moda_tile.future<tensor<16x64xbf16>>
  }
  moda_tile.wait {pending = 0 : i64}
  return
}

// -----

// Column statistics copied asynchronously (a key-side program's lse row):
// a thread per column issues one 4-byte cp.async (through L1: only 16-byte
// copies bypass it) into the statistics' unswizzled multi-buffer slot;
// after the wait and its barrier each thread reads its columns from the
// slot into registers.

// CHECK-LABEL: gpu.func @column_statistics
// CHECK: nvgpu.device_async_copy %{{.*}}[%{{.*}}], %{{.*}}[%{{.*}}], 1, %{{.*}} : memref<?xf32> to memref<32xf32, #gpu.address_space<workgroup>>
// CHECK-NOT: bypassL1
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK: vector.load %{{.*}}[%{{.*}}] : memref<32xf32, #gpu.address_space<workgroup>>, vector<16xf32>
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
