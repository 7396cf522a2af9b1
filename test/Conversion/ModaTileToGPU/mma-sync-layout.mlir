// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-gpu | FileCheck %s

// The mma_sync layout: one warp, a 16-row block (one m-tile). The key tile
// arrives by cp.async into a swizzled buffer (16-byte chunk index XOR the
// row's low three bits); Q K^T is four k-steps of two m16n8k16 products, K
// read with ldmatrix as stored; the row max and sum combine over the four
// lanes of a row (two xor shuffles each); P V reads the same tile
// transposed; only the first lane of a row writes its lse.

// CHECK-LABEL: gpu.func @program
// CHECK-SAME: known_block_size = array<i32: 32, 1, 1>
// CHECK: %[[SHARED:.*]] = memref.view %{{.*}}[%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<1024xbf16, #gpu.address_space<workgroup>>
// CHECK: vector.load %{{.*}} {alignment = 4 : i64} : memref<?xbf16>, vector<2xbf16>
// CHECK: gpu.barrier
// CHECK: arith.xori
// CHECK: nvgpu.device_async_copy %{{.*}}, %[[SHARED]][%{{.*}}], 8, %{{.*}} {bypassL1}
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix %[[SHARED]][%{{.*}}] {numTiles = 4 : i32, transpose = false}
// CHECK-COUNT-2: nvvm.mma.sync
// CHECK: nvgpu.ldmatrix
// CHECK-COUNT-2: nvvm.mma.sync
// CHECK: nvgpu.ldmatrix
// CHECK-COUNT-2: nvvm.mma.sync
// CHECK: nvgpu.ldmatrix
// CHECK-COUNT-2: nvvm.mma.sync
// CHECK-NOT: nvvm.mma.sync
// CHECK: vector.reduction <maximumf>
// CHECK: gpu.shuffle  xor %{{.*}}, %c1_i32
// CHECK: gpu.shuffle  xor %{{.*}}, %c2_i32
// p = exp2(fma(s, c, -m c)), one flush-to-zero ex2 per element.
// CHECK: math.fma %{{.*}} : vector<4xf32>
// CHECK-COUNT-4: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK-NOT: math.exp2
// The step's sum stays the thread's share of its row: the shuffles are
// the max's (second row slot), none for the sum until the epilogue
// combines the shares.
// CHECK: vector.reduction <add>
// CHECK: vector.reduction <maximumf>
// CHECK-COUNT-2: gpu.shuffle  xor
// CHECK: vector.reduction <add>
// CHECK-NOT: gpu.shuffle
// CHECK: nvgpu.ldmatrix %[[SHARED]][%{{.*}}] {numTiles = 4 : i32, transpose = true}
// CHECK-COUNT-2: nvvm.mma.sync
// CHECK: gpu.shuffle  xor
// CHECK: gpu.shuffle  xor
// CHECK: math.log
// CHECK: vector.store %{{.*}} {alignment = 4 : i64} : memref<?xbf16>, vector<2xbf16>
// CHECK: %[[FIRST_LANE:.*]] = arith.cmpi eq, %{{.*}}, %c0
// CHECK: arith.andi %[[FIRST_LANE]]
// CHECK: memref.store %{{.*}} : memref<?xf32>
// CHECK: gpu.return
// CHECK-NOT: moda_tile
func.func private @program(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index) attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<op = attention, element_type = bf16, num_query_heads = 1, num_kv_heads = 1, head_dim = 64, causal = false, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 : f64, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = mma_sync, target = "sm_90a">, sizes = [B = ?, T = ?, S = ?, L = 0], tensors = [#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 1, 64], strides = [T*64, 64, 64, 1]>], launches = [#moda.abi_launch<"program", grid = [T ceildiv 16, 1, B], threads = 32, dynamic_shared_memory = 0>]>} {
  %block = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %c0 = arith.constant 0 : index
  %query = moda_tile.load %q[%batch, %head, %block] end %T extent %T {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %keys = moda_tile.load %k[%batch, %head, %c0] end %S extent %S {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>, transpose_rhs} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<16xf32>
  %sum0 = arith.constant dense<0.0> : tensor<16xf32>
  %acc0 = arith.constant dense<0.0> : tensor<16x64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %s, %max0, %sum0 {exp2_scale = 0.18 : f32} : tensor<16x16xf32>, tensor<16xf32>
  %acc1 = moda_tile.dot %p, %keys, %acc0 {layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>} : tensor<16x16xf32>, tensor<16x64xbf16> -> tensor<16x64xf32>
  %o, %l = moda_tile.finalize %acc1, %max1, %sum1 {exp2_scale = 0.18 : f32} : tensor<16x64xf32>, tensor<16xf32> -> tensor<16x64xbf16>
  moda_tile.store %o, %out[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = query, heads = 1>} : tensor<16x64xbf16>, memref<?xbf16>
  moda_tile.store %l, %lse[%batch, %head, %block] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 1>} : tensor<16xf32>, memref<?xf32>
  return
}
