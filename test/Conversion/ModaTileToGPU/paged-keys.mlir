// RUN: moda-opt %s -convert-moda-to-tile -moda-tile-assign-layouts -convert-moda-tile-to-gpu | FileCheck %s

// A paged cache's key tile on the GPU: the block table's entry of the
// tile's first key read from global memory (column key / 64 clamped to the
// table's 5, the id signed and clamped into the N pages, PagedKeys.cpp),
// the row key mod 64; the tile's shared copy then reads that page.

// CHECK-LABEL: gpu.func @moda_attention_0
// CHECK-SAME: %[[TABLE:[^:]*]]: memref<?xi32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[N:[^:]*]]: index)
// CHECK: %[[Z:.*]] = gpu.block_id z
// CHECK: scf.for
// CHECK: %[[FIRST:.*]] = arith.addi
// CHECK: %[[COLUMN:.*]] = arith.divui %[[FIRST]], %c64
// CHECK: %[[CLAMPED:.*]] = arith.minui %[[COLUMN]], %c4
// CHECK: %[[ROWSTART:.*]] = arith.muli %[[Z]], %c5
// CHECK: %[[ENTRY:.*]] = arith.addi %[[ROWSTART]], %[[CLAMPED]]
// CHECK: %[[ID32:.*]] = memref.load %[[TABLE]][%[[ENTRY]]] : memref<?xi32>
// CHECK: %[[ID:.*]] = arith.index_cast %[[ID32]] : i32 to index
// CHECK: arith.subi %[[N]], %c1
// CHECK: arith.minsi
// CHECK: arith.remui %[[FIRST]], %c64
// CHECK: gpu.barrier
func.func @paged(%q: tensor<2x1x4x64xbf16>, %k: tensor<?x64x2x64xbf16>, %t: tensor<2x5xi32>, %s: index) -> (tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>) paged(%t, %s : tensor<2x5xi32>) {causal, config = #moda.config<block_m = 16, block_n = 32, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return %o, %l : tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
}
