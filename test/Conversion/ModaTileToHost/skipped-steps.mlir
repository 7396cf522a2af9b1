// RUN: moda-opt %s -convert-moda-tile-to-host | FileCheck %s

// A masked step (moda_tile.if_seen) on the host: its body inline, then each
// carried tile row by row from the body where the row's position may see
// the tile (the visibility test a GPU group of threads makes, for a group
// of one row), the carried value otherwise. Per-position depth, group 2:
// row r0 + r is position (r0 + r) / 2, which sees [t L, t L + L), tested
// against the tile's columns [c0, c0 + 16).

// CHECK-LABEL: func.func @masked_step
// CHECK-SAME: (%{{[^:]*}}: tensor<32x64xbf16>, %{{[^:]*}}: tensor<16x64xbf16>, %[[MAX:[^:]*]]: tensor<32xf32>, %[[SUM:[^:]*]]: tensor<32xf32>, %[[ACC:[^:]*]]: tensor<32x64xf32>, %[[R0:[^:]*]]: index, %[[C0:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %[[L:[^:]*]]: index)
// CHECK-NOT: moda_tile
// CHECK: %[[NEW_MAX:.*]] = linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[MAX]], %{{.*}} : tensor<32xf32>, tensor<32xf32>)
// CHECK: %[[R:.*]] = linalg.index 0 : index
// CHECK: %[[ROW:.*]] = arith.addi %[[R0]], %[[R]] : index
// CHECK: %[[POS:.*]] = arith.divui %[[ROW]], %c2 : index
// CHECK: %[[END_COL:.*]] = arith.addi %[[C0]], %c16 : index
// The first position's range (its begin), the last's (its end): the same
// position here.
// CHECK: %[[BEGIN:.*]] = arith.muli %[[POS]], %[[L]] : index
// CHECK: arith.muli %[[POS]], %[[L]] : index
// CHECK: %[[NEXT:.*]] = arith.addi %[[POS]], %c1{{.*}} : index
// CHECK: %[[END:.*]] = arith.muli %[[NEXT]], %[[L]] : index
// CHECK-NEXT: %[[BEFORE:.*]] = arith.cmpi slt, %[[BEGIN]], %[[END_COL]] : index
// CHECK: %[[AFTER:.*]] = arith.cmpi sgt, %[[END]], %[[C0]] : index
// CHECK: %[[SEEN:.*]] = arith.andi %[[BEFORE]], %[[AFTER]] : i1
// CHECK: arith.select %[[SEEN]], %{{.*}}, %{{.*}} : f32
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel"]} ins(%[[SUM]], %{{.*}} : tensor<32xf32>, tensor<32xf32>)
// CHECK: arith.select
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "parallel"]} ins(%[[ACC]], %{{.*}} : tensor<32x64xf32>, tensor<32x64xf32>)
// CHECK: arith.select
// CHECK: return
func.func @masked_step(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %sum: tensor<32xf32>, %acc: tensor<32x64xf32>, %r: index, %c: index, %T: index, %S: index, %L: index) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>) {
  %next:3 = moda_tile.if_seen rows %r columns %c (T = %T, S = %S, L = %L) carrying %max, %sum, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %r columns %c (T = %T, S = %S, L = %L) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.125 : f32} : tensor<32x16xf32>, tensor<32xf32>
    %scaled = moda_tile.scale_rows %acc, %alpha : tensor<32x64xf32>, tensor<32xf32>
    %acc1 = moda_tile.dot %p, %keys, %scaled : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
    moda_tile.yield %max1, %sum1, %acc1 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
  }
  return %next#0, %next#1, %next#2 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
}
