// RUN: moda-opt %s -convert-moda-to-host | FileCheck %s
// RUN: moda-opt %s --moda-to-host-llvm | FileCheck %s --check-prefix=LLVM

// The CPU path of the backward: the same kernels with one thread per block.
// Each kernel gets a block function (block ids as its last arguments, tiles
// on the stack); the launcher allocates delta, loops over each kernel's grid
// in launch order, then frees delta.

// CHECK-LABEL: func.func @grad
// CHECK: call @moda_attention_grad_0_launch

// CHECK-LABEL: func.func private @moda_attention_grad_0_dq_block
// CHECK-SAME: %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index)
// The backward's ABI as the host runs it: the block functions, and grids of
// one lane per depth entry (64 threads, 64 slots; the GPU's D = 64 kernels
// split an entry over two lanes).
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention_grad,
// CHECK-SAME: launches = [<"moda_attention_grad_0_dq_block", grid = [T*2 ceildiv 32, 2, B], threads = 64, dynamic_shared_memory = 0, writes = ["dq"]>,
// CHECK-SAME: <"moda_attention_grad_0_d_depth_block", grid = [T*L ceildiv 64, 2, B], threads = 64, dynamic_shared_memory = 0, writes = ["d_depth_k", "d_depth_v"]>]>
// CHECK: memref.alloca() {alignment = 16 : i64} : memref<2048xbf16>
// CHECK-NOT: gpu.barrier
// CHECK: math.exp2
// CHECK: memref.store %{{.*}} : memref<?xf32>

// CHECK-LABEL: func.func private @moda_attention_grad_0_d_depth_block
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention_grad,
// CHECK-NOT: memref.alloca
// CHECK: scf.for
// CHECK: math.exp2

// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK: %[[DELTA:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: func.call @moda_attention_grad_0_dq_block({{.*}}%[[DELTA]]
// CHECK: func.call @moda_attention_grad_0_d_depth_block({{.*}}%[[DELTA]]
// The scratch is the host pipeline's buffer deallocation's to free.
// CHECK-NOT: memref.dealloc

// LLVM-LABEL: llvm.func @moda_attention_grad_0_launch
// LLVM: llvm.call @moda_attention_grad_0_dq_block
// LLVM: llvm.call @moda_attention_grad_0_d_depth_block
// LLVM: llvm.call @free
func.func @grad(%q: tensor<1x29x4x64xbf16>, %kd: tensor<1x29x7x2x64xbf16>, %vd: tensor<1x29x7x2x64xbf16>,
                %o: tensor<1x29x4x64xbf16>, %lse: tensor<1x4x29xf32>, %do: tensor<1x29x4x64xbf16>)
    -> (tensor<1x29x4x64xbf16>, tensor<1x29x7x2x64xbf16>) {
  %dq, %dkd, %dvd = moda.attention_grad q(%q : tensor<1x29x4x64xbf16>)
      depth(%kd, %vd : tensor<1x29x7x2x64xbf16>, tensor<1x29x7x2x64xbf16>)
      out(%o, %lse : tensor<1x29x4x64xbf16>, tensor<1x4x29xf32>)
      d_out(%do : tensor<1x29x4x64xbf16>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<1x29x4x64xbf16>) d_depth(tensor<1x29x7x2x64xbf16>, tensor<1x29x7x2x64xbf16>)
  return %dq, %dkd : tensor<1x29x4x64xbf16>, tensor<1x29x7x2x64xbf16>
}
