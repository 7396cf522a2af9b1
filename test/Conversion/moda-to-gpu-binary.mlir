// RUN: moda-opt %moda_src_root/examples/attention.mlir --moda-to-gpu-binary | FileCheck %s
// RUN: moda-opt %moda_src_root/examples/attention.mlir --moda-to-gpu-binary | FileCheck %s --check-prefix=LINKED

// The registered pipeline ends in a gpu.binary holding PTX for sm_90a
// (PTX ISA 8.0) made by LLVM's NVPTX backend.

// The host launches the kernel from its binary.
// CHECK: gpu.launch_func @moda_attention_0_module::@moda_attention_0
// CHECK: gpu.binary @moda_attention_0_module
// CHECK-SAME: #nvvm.target<O = 3, chip = "sm_90a", features = "+ptx80">
// CHECK-SAME: .version 8.0
// CHECK-SAME: .target sm_90a
// CHECK-SAME: .visible .entry moda_attention_0(
// CHECK-SAME: .maxntid 256, 1, 1
// CHECK-SAME: .shared .align 16 .b8 __dynamic_shmem__0
// The tensor-core kernel (the heuristic's wgmma configuration on sm_90a):
// the query tile stored to shared memory, the async-proxy fence before the
// barrier, 16-byte asynchronous copies of the key and value tiles committed
// and waited as groups, warpgroup MMAs on bf16 with f32 accumulation (S = Q
// K^T over 128 keys, then P V over the 64 columns of D), exp2 in hardware.
// CHECK-SAME: bar.sync
// CHECK-SAME: fence.proxy.async.shared::cta
// CHECK-SAME: cp.async.cg.shared.global
// CHECK-SAME: cp.async.commit_group
// CHECK-SAME: cp.async.wait_group
// CHECK-SAME: wgmma.fence.sync.aligned
// CHECK-SAME: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// CHECK-SAME: wgmma.commit_group.sync.aligned
// CHECK-SAME: wgmma.wait_group.sync.aligned
// CHECK-SAME: ex2.approx.ftz.f32
// CHECK-SAME: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16

// libdevice is linked into the PTX: no call is left unresolved.
// LINKED-NOT: .extern .func
