// RUN: moda-opt %s -convert-moda-to-tile -moda-tile-assign-layouts -convert-moda-tile-to-gpu | FileCheck %s

// Split-KV on the GPU (mma_sync, kv_splits = 3, Hk = 2): the launcher
// allocates the partials on the device, launches the split kernel on
// Hk * 3 = 6 blocks along y and the merge kernel (no shared tiles) on 2,
// then frees them. The merge kernel folds the three shares per row slot:
// the new max, the rescale and the share's weight exp2(fma(lse, log2(e),
// -max * log2(e))) (exp2 as the fast ex2.approx the kernels use), added to the row's sum by one thread of the four that
// hold the row (the others add 0: finalize sums the shares across them),
// and acc * rescale + weight * partial as one fma per vector of columns.

// CHECK-LABEL: func.func @moda_attention_0_launch
// CHECK: %[[PO:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK: %[[PL:.*]] = gpu.alloc (%{{.*}}) : memref<?xf32>
// CHECK: gpu.launch_func @moda_attention_0_module::@moda_attention_0 blocks in (%{{.*}}, %c6, %{{.*}})
// CHECK: gpu.launch_func @moda_attention_0_module::@moda_attention_0_merge blocks in (%{{.*}}, %c2, %{{.*}}) threads in ({{.*}}) dynamic_shared_memory_size %c0_i32
// CHECK: gpu.dealloc %[[PO]]
// CHECK: gpu.dealloc %[[PL]]

// CHECK-LABEL: gpu.func @moda_attention_0(
// CHECK: vector.store %{{.*}}, %{{.*}}[%{{.*}}] {{.*}} : memref<?xf32>, vector<2xf32>

// CHECK-LABEL: gpu.func @moda_attention_0_merge(
// CHECK: scf.for %{{.*}} = %c0 to %c3 step %{{.*}} iter_args({{.*}}) -> (vector<2xf32>, vector<2xf32>, vector<32xf32>)
// CHECK: arith.maximumf
// CHECK: llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: math.fma %{{.*}}, %{{.*}}, %{{.*}} : f32
// CHECK: %[[W:.*]] = llvm.call_intrinsic "llvm.nvvm.ex2.approx.ftz.f"
// CHECK: %[[SHARE:.*]] = arith.select %{{.*}}, %[[W]], %cst{{.*}} : f32
// CHECK: arith.addf %{{.*}}, %[[SHARE]] : f32
// CHECK: math.fma %{{.*}}, %{{.*}}, %{{.*}} : vector<16xf32>
// CHECK: gpu.shuffle xor
// CHECK: math.log
// CHECK: vector.store %{{.*}}, %{{.*}}[%{{.*}}] {{.*}} : memref<?xbf16>, vector<2xbf16>
func.func @decode(%q: tensor<?x1x8x64xbf16>, %k: tensor<?x300x2x64xbf16>) -> tensor<?x1x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<?x1x8x64xbf16>) kv(%k, %k : tensor<?x300x2x64xbf16>, tensor<?x300x2x64xbf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a", kv_splits = 3>} -> tensor<?x1x8x64xbf16>, tensor<?x8x1xf32>
  return %o : tensor<?x1x8x64xbf16>
}
