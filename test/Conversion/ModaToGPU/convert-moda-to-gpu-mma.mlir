// RUN: moda-opt %s -convert-moda-to-gpu | FileCheck %s

// With mma = mma_sync the block runs on tensor cores: its tiles are views of
// dynamic shared memory (query, then num_stages buffers of sequence and of
// depth keys and values), filled by cp.async copies with 16-byte chunks
// swizzled by row; operands come through ldmatrix (V transposed) and feed
// m16n8k16 MMAs with f32 accumulators; the launcher passes the tiles' bytes.
// (128 + 2 * 2 * 64 + 2 * 2 * 32) * 64 * 2 bytes = 65536.

// CHECK-LABEL: func.func @moda_attention_0_launch
// CHECK: %[[BYTES:.*]] = arith.constant 65536 : i32
// CHECK: gpu.launch_func @moda_attention_0_module::@moda_attention_0 {{.*}} threads in ({{.*}}) dynamic_shared_memory_size %[[BYTES]]

// CHECK: gpu.func @moda_attention_0
// CHECK-NOT: workgroup(
// CHECK-SAME: kernel
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: launches = [<"moda_attention_0", {{[^>]*}}, dynamic_shared_memory = 65536, writes = ["out", "lse"]>]>
// CHECK: %[[SHARED:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.view %[[SHARED]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<128x64xbf16, #gpu.address_space<workgroup>>
// CHECK-COUNT-2: memref.view %[[SHARED]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<128x64xbf16, #gpu.address_space<workgroup>>
// CHECK-COUNT-2: memref.view %[[SHARED]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<64x64xbf16, #gpu.address_space<workgroup>>
// The query tile, copied asynchronously; chunk index XOR (row mod 8).
// CHECK: arith.xori
// CHECK: nvgpu.device_async_copy {{.*}}, 8, {{.*}} {bypassL1} : memref<?xbf16> to memref<128x64xbf16, #gpu.address_space<workgroup>>
// CHECK: nvvm.cp.async.commit.group
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false} : memref<128x64xbf16, #gpu.address_space<workgroup>> -> vector<4x2xbf16>
// The step loop: wait for the step's tiles, prefetch the next, S = Q K^T.
// CHECK: scf.for
// CHECK: nvvm.cp.async.wait.group 0
// CHECK: gpu.barrier
// CHECK: nvgpu.device_async_copy
// CHECK: nvvm.mma.sync {{.*}} {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>, multiplicandAPtxType = #nvvm.mma_type<bf16>, multiplicandBPtxType = #nvvm.mma_type<bf16>, shape = #nvvm.shape<m = 16, n = 8, k = 16>} : (i32, i32, f32) -> !llvm.struct<(f32, f32, f32, f32)>
// The row max over the lane quad, exp2 without denormals, then P V.
// CHECK: gpu.shuffle xor
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: nvvm.mma.sync
// CHECK: gpu.return
func.func @attention(%q: tensor<?x100x8x64xbf16>, %k: tensor<?x100x2x64xbf16>, %dk: tensor<?x100x3x2x64xbf16>) -> (tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) {
  %o, %l = moda.attention q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 64, block_depth = 32, num_warps = 8, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
  return %o, %l : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
}
