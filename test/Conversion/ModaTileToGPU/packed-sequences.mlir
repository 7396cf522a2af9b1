// RUN: moda-opt %s -convert-moda-to-tile -moda-tile-assign-layouts -convert-moda-tile-to-gpu | FileCheck %s

// A program over packed sequences on the GPU: sequence gpu.block_id z's
// bounds read from the offsets in global memory (signed, clamped into the
// N tokens, PackedSequences.cpp), then the query blocks from gpu.block_id x
// in steps of gpu.grid_dim x.

// CHECK-LABEL: gpu.func @moda_attention_0
// CHECK-SAME: (%{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xf32>, %[[CU:[^:]*]]: memref<?xi32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[N:[^:]*]]: index)
// CHECK: %[[X:.*]] = gpu.block_id x
// CHECK: %[[Z:.*]] = gpu.block_id z
// CHECK: %[[FIRST:.*]] = memref.load %[[CU]][%[[Z]]] : memref<?xi32>
// CHECK: %[[FIRST_INDEX:.*]] = arith.index_cast %[[FIRST]] : i32 to index
// CHECK: arith.maxsi %[[FIRST_INDEX]], %{{.*}}
// CHECK: arith.minsi %{{.*}}, %[[N]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[Z]], %c1
// CHECK: memref.load %[[CU]][%[[NEXT]]] : memref<?xi32>
// CHECK: %[[GRID:.*]] = gpu.grid_dim x
// CHECK: scf.for %{{.*}} = %[[X]] to %{{.*}} step %[[GRID]] {
func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> (tensor<70x2x64xbf16>, tensor<2x70xf32>) {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o, %l : tensor<70x2x64xbf16>, tensor<2x70xf32>
}
