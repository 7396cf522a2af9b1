// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu | FileCheck %s

// A backward's programs, launched in order by one launcher, become the
// kernels of one gpu.module named after the operator; the launcher's
// scratch (delta) is a device allocation freed after the last launch. In
// the key-side program the block's rows are keys and the streamed tile is
// query rows: lse arrives as one row, each thread loading its own columns,
// and the transposed mask asks the seeing range of each of its rows' keys.
// The shared memory: the query tile (2048 bytes) and lse (64).

// CHECK-LABEL: func.func @op_launch
// CHECK: %[[DELTA:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK: gpu.launch_func @op_module::@rows_program
// CHECK: gpu.launch_func @op_module::@keys_program {{.*}}%[[DELTA]]
// CHECK: gpu.dealloc %[[DELTA]] : memref<?xf32>
// CHECK-NEXT: return
// CHECK: gpu.module @op_module
// CHECK: gpu.func @rows_program
// CHECK: gpu.func @keys_program
// CHECK-SAME: <"keys_program", grid = [S ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 2112>
// The key rows: the thread's own, read from global memory.
// CHECK: vector.load {{.*}} : memref<?xf16>, vector<64xf16>
// The query tile: streamed through shared memory.
// CHECK: gpu.barrier
// CHECK: vector.store {{.*}} : memref<1024xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: gpu.barrier
// lse of the tile's 16 columns: read once into a shared buffer of its own
// (a thread per column), then each thread reads its columns from there.
// CHECK: vector.load %{{.*}} {alignment = 4 : i64} : memref<?xf32>, vector<1xf32>
// CHECK: vector.store %{{.*}}, %[[STATS:.*]][%{{.*}}] {alignment = 4 : i64} : memref<16xf32, #gpu.address_space<workgroup>>, vector<1xf32>
// CHECK: gpu.barrier
// CHECK: vector.load %[[STATS]][%{{.*}}] : memref<16xf32, #gpu.address_space<workgroup>>, vector<16xf32>
// The mask: per column (in 32 bits), its position (folded row / G) within
// the key's seeing range [key + T - S clamped, T).
// CHECK: %[[COLUMNS:.*]] = arith.index_cast %{{.*}} : vector<16xindex> to vector<16xi32>
// CHECK: %[[POSITIONS:.*]] = arith.divui %[[COLUMNS]], %{{.*}} : vector<16xi32>
// CHECK: arith.subi %{{.*}}, %{{.*}} : index
// CHECK: arith.cmpi sle, %{{.*}}, %[[POSITIONS]] : vector<16xi32>
// CHECK: arith.cmpi slt, %[[POSITIONS]], %{{.*}} : vector<16xi32>
// CHECK: math.fma {{.*}} : vector<16xf32>
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: gpu.return
// CHECK-NOT: moda_tile
func.func private @rows_program(%q: memref<?xf16>, %delta: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>], launches = [#moda.abi_launch<"rows_program", grid = [T*2 ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0>, #moda.abi_launch<"keys_program", grid = [S ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %query = moda_tile.load %q[%block, %block, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xf16> -> tensor<32x64xf16>
  %c0 = arith.constant 0 : index
  %keys = moda_tile.load %q[%block, %block, %c0] end %S extent %S {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
  %d = moda_tile.row_dot %query, %query : tensor<32x64xf16> -> tensor<32xf32>
  moda_tile.store %d, %delta[%block, %block, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : tensor<32xf32>, memref<?xf32>
  return
}
func.func private @keys_program(%q: memref<?xf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention_grad, element_type = f16, num_query_heads = 2, num_kv_heads = 1, head_dim = 64, causal = true, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : f16, input, shape = [B, T, 2, 64], strides = [T*128, 128, 64, 1]>], launches = [#moda.abi_launch<"rows_program", grid = [T*2 ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0>, #moda.abi_launch<"keys_program", grid = [S ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %c0 = arith.constant 0 : index
  %keys = moda_tile.load %q[%block, %block, %block] end %S extent %S {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %query = moda_tile.load %q[%block, %block, %c0] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xf16> -> tensor<16x64xf16>
  %stats = moda_tile.load %lse[%block, %block, %c0] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> tensor<1x16xf32>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %keys, %query, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
  %m = moda_tile.mask %s rows %block columns %c0 (T = %T, S = %S, L = %c0) {group = 2 : i64, transposed, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x16xf32>
  %p = moda_tile.softmax_probs %m, %stats {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x64xf32>
  %acc = moda_tile.dot %p, %query, %acc0 {layout = #moda_tile.layout<kind = fma, num_warps = 1>} : tensor<32x16xf32>, tensor<16x64xf16> -> tensor<32x64xf32>
  %dk = moda_tile.convert %acc : tensor<32x64xf32> -> tensor<32x64xf16>
  moda_tile.store %dk, %q[%block, %block, %block] end %S extent %S {rows = #moda_tile.rows<kind = key, heads = 1>} : tensor<32x64xf16>, memref<?xf16>
  return
}
func.func @op_launch(%q: memref<?xf16>, %lse: memref<?xf32>, %T: index, %S: index) {
  %c1 = arith.constant 1 : index
  %delta = memref.alloc(%T) : memref<?xf32>
  moda_tile.launch @rows_program grid(%c1, %c1, %c1) (%q, %delta, %T, %S) : memref<?xf16>, memref<?xf32>, index, index
  moda_tile.launch @keys_program grid(%c1, %c1, %c1) (%q, %delta, %T, %S) : memref<?xf16>, memref<?xf32>, index, index
  return
}
