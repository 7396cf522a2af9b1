// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-host | FileCheck %s

// A packed sequence's bounds on the host: its two offsets read as signed
// i32, each clamped into [0, N], the end at least the begin
// (PackedSequences.cpp).

// CHECK-LABEL: func.func @bounds
// CHECK-SAME: (%[[CU:[^:]*]]: memref<?xi32>, %[[SEQ:[^:]*]]: index, %[[N:[^:]*]]: index)
// CHECK-NOT: moda_tile
// CHECK: %[[B32:.*]] = memref.load %[[CU]][%[[SEQ]]] : memref<?xi32>
// CHECK: %[[B:.*]] = arith.index_cast %[[B32]] : i32 to index
// CHECK: %[[BPOS:.*]] = arith.maxsi %[[B]], %c0
// CHECK: %[[BEGIN:.*]] = arith.minsi %[[BPOS]], %[[N]]
// CHECK: %[[NEXT:.*]] = arith.addi %[[SEQ]], %c1
// CHECK: %[[E32:.*]] = memref.load %[[CU]][%[[NEXT]]] : memref<?xi32>
// CHECK: %[[E:.*]] = arith.index_cast %[[E32]] : i32 to index
// CHECK: %[[EPOS:.*]] = arith.maxsi %[[E]], %c0
// CHECK: %[[ECLAMP:.*]] = arith.minsi %[[EPOS]], %[[N]]
// CHECK: %[[END:.*]] = arith.maxsi %[[ECLAMP]], %[[BEGIN]]
// CHECK: %[[LENGTH:.*]] = arith.subi %[[END]], %[[BEGIN]]
// CHECK: return %[[BEGIN]], %[[LENGTH]]
func.func @bounds(%cu: memref<?xi32>, %sequence: index, %N: index) -> (index, index) {
  %begin, %length = moda_tile.sequence_bounds %cu[%sequence] tokens %N : memref<?xi32>
  return %begin, %length : index, index
}

// -----

// lse rows with strides ([Hq, N] of packed sequences): batch entry (the
// sequence's first token) * 1 + query head * N + position * 1, position
// and query head from folded row i = t * G + g (G = 2).
// CHECK-LABEL: func.func @packed_lse
// CHECK-SAME: (%[[BUF:[^:]*]]: memref<?xf32>, %[[BEGIN:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[END:[^:]*]]: index, %[[ONE:[^:]*]]: index, %[[N:[^:]*]]: index, %{{.*}}: tensor<4xf32>)
// CHECK: %[[POS:.*]] = arith.divui %[[ROW:.*]], %c2
// CHECK: %[[G:.*]] = arith.remui %[[ROW]], %c2
// CHECK: %[[HG:.*]] = arith.muli %[[HEAD]], %c2
// CHECK: %[[QHEAD:.*]] = arith.addi %[[HG]], %[[G]]
// CHECK: %[[B:.*]] = arith.muli %[[BEGIN]], %[[ONE]]
// CHECK: %[[H:.*]] = arith.muli %[[QHEAD]], %[[N]]
// CHECK: %[[BH:.*]] = arith.addi %[[B]], %[[H]]
// CHECK: %[[P:.*]] = arith.muli %[[POS]], %[[ONE]]
// CHECK: %[[OFF:.*]] = arith.addi %[[BH]], %[[P]]
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[OFF]]]
func.func @packed_lse(%lse: memref<?xf32>, %begin: index, %head: index, %end: index, %one: index, %N: index, %row: tensor<4xf32>) {
  %c0 = arith.constant 0 : index
  moda_tile.store %row, %lse[%begin, %head, %c0] end %end extent %end strides [%one, %N, %one] {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<4xf32>, memref<?xf32>
  return
}
