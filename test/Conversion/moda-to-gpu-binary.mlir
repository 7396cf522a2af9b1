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
// CHECK-SAME: .shared .align 16 .b8 __wg_moda_attention_0_0[8192]
// 16-byte global loads, barriers around the shared tiles, exp2 in hardware.
// CHECK-SAME: ld.global.v4.b32
// CHECK-SAME: bar.sync
// CHECK-SAME: st.shared.v4.b32
// CHECK-SAME: ex2.approx

// libdevice is linked into the PTX: no call is left unresolved.
// LINKED-NOT: .extern .func
