// RUN: moda-opt %s -convert-moda-to-gpu | FileCheck %s

// With mma = wgmma the block runs on sm_90a's warpgroup MMA: each warpgroup
// of 4 warps owns 64 rows. The dynamic shared memory is rounded up to a
// 1024-byte boundary (the 128-byte swizzle's period, which wgmma applies to
// shared addresses), then holds the query tile, num_stages buffers of
// sequence keys and values, and num_stages buffers of depth keys and values
// with one block_depth tile per warpgroup (each walks its own rows' span):
// (128 + 2 * 2 * (128 + 2 * 64)) * 64 * 2 + 1024 bytes = 148480.

// CHECK-LABEL: func.func @moda_attention_0_launch
// CHECK: %[[BYTES:.*]] = arith.constant 148480 : i32
// CHECK: gpu.launch_func @moda_attention_0_module::@moda_attention_0 {{.*}} threads in ({{.*}}) dynamic_shared_memory_size %[[BYTES]]

// CHECK: gpu.func @moda_attention_0
// CHECK-SAME: known_block_size = array<i32: 256, 1, 1>
// CHECK-SAME: launches = [<"moda_attention_0", {{[^>]*}}, dynamic_shared_memory = 148480, writes = ["out", "lse"]>]>
// CHECK: %[[SHARED:.*]] = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
// CHECK: memref.extract_aligned_pointer_as_index %[[SHARED]]
// CHECK: arith.andi {{.*}} : index
// CHECK: memref.view %[[SHARED]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<128x64xbf16, #gpu.address_space<workgroup>>
// CHECK-COUNT-4: memref.view %[[SHARED]][%{{.*}}][] : memref<?xi8, #gpu.address_space<workgroup>> to memref<256x64xbf16, #gpu.address_space<workgroup>>
// The cp.async writes reach the tensor cores' async proxy through a fence
// ahead of the barrier; the query fragments stay in registers.
// CHECK: nvvm.cp.async.wait.group 1
// CHECK-NEXT: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
// CHECK-NEXT: gpu.barrier
// CHECK: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// The first loop carries a depth tile per step: S = Q K^T as four m64n128k16
// MMAs (one per 16 columns of D; A from registers, K's descriptor), the
// first of which ignores the accumulator (scale-d 0)...
// CHECK: scf.for
// CHECK: nvvm.cp.async.wait.group 0
// CHECK-NEXT: nvvm.fence.proxy
// CHECK-NEXT: gpu.barrier
// CHECK: nvvm.wgmma.fence.aligned
// CHECK: %[[SCALE0:.*]] = arith.constant 0 : i32
// CHECK: llvm.inline_asm has_side_effects {{.*}}wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16 {{.*}}p, 1, 1, 0;{{.*}}%[[SCALE0]]
// CHECK-COUNT-3: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// ...then the softmax, and O += P V as eight m64n64k16 MMAs with V
// transposed by the instruction (imm-trans-b 1).
// CHECK: gpu.shuffle xor
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-8: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// The warpgroup's depth tile (64 entries: n = 64), under its row masks.
// CHECK: scf.if
// CHECK: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 0;
// CHECK: gpu.return
func.func @attention(%q: tensor<?x100x8x64xbf16>, %k: tensor<?x100x2x64xbf16>, %dk: tensor<?x100x3x2x64xbf16>) -> (tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) {
  %o, %l = moda.attention q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 128, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
  return %o, %l : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
}
