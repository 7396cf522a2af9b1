// RUN: moda-opt %s -convert-moda-to-gpu | FileCheck %s

// With mma = wgmma the backward's dq kernel runs on warpgroup MMA, like the
// forward (its tiles, plus a d_out tile: (128 + 128 + 2 * 2 * (64 + 2 * 64))
// * 64 * 2 + 1024 bytes = 132096 of dynamic shared memory); the dkv and
// d_depth kernels stay SIMT with the same tiles.

// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dq {{.*}} dynamic_shared_memory_size %c132096_i32
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dkv
// CHECK-NOT: dynamic_shared_memory_size
// CHECK-SAME: args(
// CHECK: gpu.func @moda_attention_grad_0_dq
// CHECK-NOT: workgroup(
// CHECK-SAME: dynamic_shared_memory = 132096 : i64
// CHECK: gpu.dynamic_shared_memory
// Delta = <dO, O> per row (16-byte chunks, summed over the lane quad) goes to
// the scratch the SIMT kernels read.
// CHECK: vector.reduction <add>
// CHECK: gpu.shuffle xor
// CHECK: memref.store {{.*}} : memref<?xf32>
// Per step: S = Q K^T and dP = dO V^T in one group (4 + 4 MMAs of
// m64n64k16, K-major B), waited for; then dQ += dS K (K transposed by the
// instruction), left running into the next step.
// CHECK: scf.for
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-8: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 0;
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK-NEXT: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: gpu.func @moda_attention_grad_0_dkv({{.*}}) workgroup(
// CHECK-NOT: nvvm.wgmma
// CHECK: gpu.func @moda_attention_grad_0_d_depth
func.func @grad(%q: tensor<?x100x8x64xbf16>, %k: tensor<?x100x2x64xbf16>, %dk: tensor<?x100x3x2x64xbf16>, %lse: tensor<?x8x100xf32>) -> tensor<?x100x8x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) out(%q, %lse : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) d_out(%q : tensor<?x100x8x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 64, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<?x100x8x64xbf16>) dkv(tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) d_depth(tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>)
  return %dq : tensor<?x100x8x64xbf16>
}
