// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu | FileCheck %s

// The fma layout: 32 threads, a 32-row block, so one row per thread. The
// key tile goes to shared memory between two barriers, in a buffer viewed
// at the plan's offset (0) of the block's dynamic shared memory (2048
// bytes, launched with them); the score of each key is a vector reduction
// of the thread's query row and the key's row.

// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @launch
// CHECK: gpu.launch_func @program_module::@program blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%c32{{.*}}, %c1{{.*}}, %c1{{.*}}) dynamic_shared_memory_size %c2048_i32
// CHECK-LABEL: gpu.module @program_module
// CHECK: gpu.func @program({{.*}}) kernel
// CHECK-SAME: known_block_size = array<i32: 32, 1, 1>
// The ABI is the program's, its launch asking for the plan's 2048 bytes of
// dynamic shared memory.
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention, {{.*}} launches = [<"program", grid = [T ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 2048>]>
// CHECK: gpu.thread_id x
// CHECK: %[[BYTES:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: %[[SHARED:.*]] = memref.view %[[BYTES]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<1024xf16, #gpu.address_space<workgroup>>
// The blocks run in reverse: block x takes block gridDim.x - 1 - x.
// CHECK: %[[ID:.*]] = gpu.block_id x
// CHECK: %[[BLOCKS:.*]] = gpu.grid_dim x
// CHECK: %[[LAST:.*]] = arith.subi %[[BLOCKS]], %c1
// CHECK: arith.subi %[[LAST]], %[[ID]]
// CHECK: vector.load %{{.*}}[%{{.*}}] {alignment = 16 : i64} : memref<?xf16>, vector<64xf16>
// CHECK: gpu.barrier
// CHECK: scf.for
// CHECK: vector.load %{{.*}}[%{{.*}}] {alignment = 16 : i64} : memref<?xf16>, vector<8xf16>
// CHECK: vector.store %{{.*}}, %[[SHARED]][%{{.*}}] {alignment = 16 : i64} : memref<1024xf16, #gpu.address_space<workgroup>>, vector<8xf16>
// CHECK: gpu.barrier
// CHECK: vector.load %[[SHARED]][%{{.*}}] : memref<1024xf16, #gpu.address_space<workgroup>>, vector<64xf16>
// CHECK: vector.reduction <add>
// CHECK-COUNT-15: vector.reduction <add>
// CHECK: vector.reduction <maximumf>
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: math.log
// CHECK: scf.if
// CHECK: vector.store %{{.*}} {alignment = 16 : i64} : memref<?xf16>, vector<64xf16>
// CHECK: memref.store %{{.*}} : memref<?xf32>
// CHECK: gpu.return
// CHECK-NOT: moda_tile
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
