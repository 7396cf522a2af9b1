// RUN: moda-opt %s -convert-moda-to-gpu | FileCheck %s

// With mma = wgmma the backward's dq and dkv kernels run on warpgroup MMA:
// dq like the forward (its tiles, plus a d_out tile: (128 + 128 + 2 * 2 *
// (64 + 2 * 64)) * 64 * 2 + 1024 bytes = 132096 of dynamic shared memory),
// dkv with the roles turned (K and V tiles of the block's 128 keys, 2
// stages of 64 query rows' Q and dO and of their lse and Delta: (2 * 128 +
// 2 * 2 * 64) * 64 * 2 + 2 * 2 * 64 * 4 + 1024 = 67584). With per-position depth (G = 4 divides a warpgroup's 64 rows,
// D = 64) the dq kernel also computes the depth gradients, in P and dS
// tiles of 128 rows x 64 entries (+ 2 * 128 * 64 * 2 = 164864 bytes), and
// there is no d_depth kernel; with chunk visibility (an entry is seen by
// rows of other blocks) d_depth stays a SIMT kernel of its own; so it does
// with depth tiles of 32 entries (the dq kernel stages depth gradients in
// panels of 64 entries).

// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dq {{.*}} dynamic_shared_memory_size %c164864_i32
// CHECK: gpu.launch_func @moda_attention_grad_0_module::@moda_attention_grad_0_dkv {{.*}} dynamic_shared_memory_size %c67584_i32
// CHECK-NOT: gpu.launch_func
// CHECK: gpu.dealloc
// CHECK: gpu.func @moda_attention_grad_0_dq
// CHECK-NOT: workgroup(
// CHECK-SAME: launches = [<"moda_attention_grad_0_dq", grid = [T*4 ceildiv 128, 2, B], threads = 256, dynamic_shared_memory = 164864, writes = ["dq", "d_depth_k", "d_depth_v"]>,
// CHECK-SAME: <"moda_attention_grad_0_dkv", grid = [S ceildiv 128, 2, B], threads = 256, dynamic_shared_memory = 67584, writes = ["dk", "dv"]>]>
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
// A depth step: P and dS go to shared memory (bf16 pairs), seen by the
// tensor cores after the proxy fence and the warpgroup's named barrier
// (1 + warpgroup, 128 threads); dQ += dS Kd; then d_depth_v = P^T dO and
// d_depth_k = dS^T Q, A and B both transposed (M- and N-major), each waited
// for, staged back in shared memory and stored 16 bytes at a time.
// CHECK: vector.store {{.*}} : memref<256x64xbf16, #gpu.address_space<workgroup>>, vector<2xbf16>
// CHECK: nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>
// CHECK: nvvm.barrier id = {{.*}} number_of_threads = %c128_i32
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}}, $32, $33, p, 1, 1, 1, 1;
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: nvvm.barrier
// CHECK: nvvm.barrier
// CHECK: vector.load {{.*}} : memref<256x64xbf16, #gpu.address_space<workgroup>>, vector<8xbf16>
// CHECK: vector.store {{.*}} : memref<?xbf16>, vector<8xbf16>
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}}, $32, $33, p, 1, 1, 1, 1;
// dkv: per step S^T = K Q^T and dP^T = V dO^T in one group, both A operands
// read from shared memory (a descriptor, not four registers), waited for;
// then per column the forward's lse and Delta (staged in shared memory with
// the rows), dV += P^T dO and dK += dS^T Q (B transposed), left running.
// The statistics travel by 4-byte cp.async, one per thread.
// CHECK: gpu.func @moda_attention_grad_0_dkv
// CHECK-NOT: workgroup(
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention_grad,
// CHECK: nvgpu.device_async_copy {{.*}} : memref<?xf32> to memref<256xf32, #gpu.address_space<workgroup>>
// CHECK: scf.for
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-8: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}}, $32, $33, p, 1, 1, 0, 0;
// CHECK: nvvm.wgmma.wait.group.sync.aligned 0
// CHECK: memref.load {{.*}} : memref<256xf32, #gpu.address_space<workgroup>>
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;
// CHECK: nvvm.wgmma.commit.group.sync.aligned
// CHECK: nvvm.wgmma.fence.aligned
// CHECK-COUNT-4: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 {{.*}}p, 1, 1, 1;
// CHECK-NOT: gpu.func @moda_attention_grad_0_d_depth
// CHECK-LABEL: func.func @moda_attention_grad_1_launch
// CHECK: gpu.launch_func @moda_attention_grad_1_module::@moda_attention_grad_1_dq {{.*}} dynamic_shared_memory_size %c132096_i32
// CHECK: gpu.launch_func @moda_attention_grad_1_module::@moda_attention_grad_1_dkv {{.*}} dynamic_shared_memory_size %c67584_i32
// CHECK: gpu.launch_func @moda_attention_grad_1_module::@moda_attention_grad_1_d_depth
// CHECK-NOT: dynamic_shared_memory_size
// CHECK-SAME: args(
// CHECK: gpu.func @moda_attention_grad_1_dq
// CHECK-NOT: nvvm.barrier id
// CHECK: gpu.func @moda_attention_grad_1_d_depth({{.*}}) kernel
// CHECK-NOT: nvvm.wgmma
// CHECK-LABEL: func.func @moda_attention_grad_2_launch
// CHECK: gpu.launch_func @moda_attention_grad_2_module::@moda_attention_grad_2_dq
// CHECK: gpu.launch_func @moda_attention_grad_2_module::@moda_attention_grad_2_dkv
// CHECK: gpu.launch_func @moda_attention_grad_2_module::@moda_attention_grad_2_d_depth
// CHECK: gpu.func @moda_attention_grad_2_dq
// CHECK-SAME: writes = ["dq"]>
func.func @grad(%q: tensor<?x100x8x64xbf16>, %k: tensor<?x100x2x64xbf16>, %dk: tensor<?x100x3x2x64xbf16>, %lse: tensor<?x8x100xf32>) -> tensor<?x100x8x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) out(%q, %lse : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) d_out(%q : tensor<?x100x8x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 64, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<?x100x8x64xbf16>) dkv(tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) d_depth(tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>)
  %dq2, %gk2, %gv2, %gdk2, %gdv2 = moda.attention_grad q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) out(%q, %lse : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) d_out(%q : tensor<?x100x8x64xbf16>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16, config = #moda.config<block_m = 128, block_n = 64, block_depth = 64, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<?x100x8x64xbf16>) dkv(tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) d_depth(tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>)
  %dq3, %gk3, %gv3, %gdk3, %gdv3 = moda.attention_grad q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) out(%q, %lse : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) d_out(%q : tensor<?x100x8x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 64, block_depth = 32, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<?x100x8x64xbf16>) dkv(tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) d_depth(tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>)
  return %dq : tensor<?x100x8x64xbf16>
}
