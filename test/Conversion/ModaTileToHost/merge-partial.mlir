// RUN: moda-opt %s -convert-moda-tile-to-host -canonicalize | FileCheck %s

// Split-KV's merge step as host tensor code, SoftmaxMath.cpp's arithmetic
// in natural-log units (scale log2(e)), per row in one linalg.generic: the
// new max; the rescale exp2(max * c - safe(new max) * c); the share's
// weight exp2(fma(lse, c, -safe(new max) * c)), 0 for lse = -inf; the sum
// sum * rescale + weight. Then the accumulator fma(partial, weight,
// acc * rescale).

// CHECK-LABEL: func.func @merge
// CHECK-SAME: (%[[PART:[^:]*]]: tensor<4x8xf32>, %[[PLSE:[^:]*]]: tensor<4xf32>, %[[MAX:[^:]*]]: tensor<4xf32>, %[[SUM:[^:]*]]: tensor<4xf32>, %[[ACC:[^:]*]]: tensor<4x8xf32>)
// CHECK-DAG: %[[C:.*]] = arith.constant 1.44269502 : f32
// CHECK: %[[ROWS:.*]]:4 = linalg.generic {{.*}} ins(%[[MAX]], %[[SUM]], %[[PLSE]] :
// CHECK: ^bb0(%[[OLD:[^:]*]]: f32, %[[S:[^:]*]]: f32, %[[L:[^:]*]]: f32,
// CHECK: %[[NEW:.*]] = arith.maximumf %[[OLD]], %[[L]]
// CHECK: arith.mulf %[[OLD]], %[[C]]
// CHECK: %[[RESCALE:.*]] = math.exp2
// CHECK: math.fma %[[L]], %[[C]],
// CHECK: %[[WEIGHT:.*]] = math.exp2
// CHECK: %[[KEPTSUM:.*]] = arith.mulf %[[S]], %[[RESCALE]]
// CHECK: %[[NEWSUM:.*]] = arith.addf %[[KEPTSUM]], %[[WEIGHT]]
// CHECK: linalg.yield %[[NEW]], %[[NEWSUM]], %[[RESCALE]], %[[WEIGHT]]
// CHECK: %[[NEWACC:.*]] = linalg.generic {{.*}} ins(%[[ACC]], %[[PART]], %[[ROWS]]#2, %[[ROWS]]#3 :
// CHECK: ^bb0(%[[A:[^:]*]]: f32, %[[P:[^:]*]]: f32, %[[R:[^:]*]]: f32, %[[W:[^:]*]]: f32,
// CHECK: %[[KEPT:.*]] = arith.mulf %[[A]], %[[R]]
// CHECK: math.fma %[[P]], %[[W]], %[[KEPT]]
// CHECK: return %[[ROWS]]#0, %[[ROWS]]#1, %[[NEWACC]]
func.func @merge(%part: tensor<4x8xf32>, %plse: tensor<4xf32>, %max: tensor<4xf32>, %sum: tensor<4xf32>, %acc: tensor<4x8xf32>) -> (tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>) {
  %m, %s, %a = moda_tile.merge_partial %part, %plse, %max, %sum, %acc : tensor<4x8xf32>, tensor<4xf32>
  return %m, %s, %a : tensor<4xf32>, tensor<4xf32>, tensor<4x8xf32>
}
