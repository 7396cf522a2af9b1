// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-host -canonicalize | FileCheck %s

// The row layouts of RowLayout.cpp, as the host's loads and stores address
// them (each operand distinct, so that a swapped factor shows).

// Query rows, Hq = 6, G = 3, D = 8: folded row i = first + r is position
// i / 3 and query head head * 3 + i mod 3 of q[B, T, 6, 8].
// CHECK-LABEL: func.func @query_rows
// CHECK-SAME: (%[[BUF:[^:]*]]: memref<?xf16>, %[[BATCH:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[FIRST:[^:]*]]: index, %[[END:[^:]*]]: index, %[[EXTENT:[^:]*]]: index)
// CHECK: scf.for %[[R:[^ ]*]] =
// CHECK: %[[ROW:.*]] = arith.addi %[[FIRST]], %[[R]]
// CHECK: %[[IN:.*]] = arith.cmpi slt, %[[ROW]], %[[END]]
// CHECK: %[[SAFE:.*]] = arith.select %[[IN]], %[[ROW]], %[[FIRST]]
// CHECK: %[[POS:.*]] = arith.divui %[[SAFE]], %c3
// CHECK: %[[G:.*]] = arith.remui %[[SAFE]], %c3
// CHECK: %[[HG:.*]] = arith.muli %[[HEAD]], %c3
// CHECK: %[[QHEAD:.*]] = arith.addi %[[HG]], %[[G]]
// CHECK: %[[BT:.*]] = arith.muli %[[BATCH]], %[[EXTENT]]
// CHECK: %[[P:.*]] = arith.addi %[[BT]], %[[POS]]
// CHECK: %[[PH:.*]] = arith.muli %[[P]], %c6
// CHECK: %[[E:.*]] = arith.addi %[[PH]], %[[QHEAD]]
// CHECK: %[[OFF:.*]] = arith.muli %[[E]], %c8
// CHECK: vector.load %[[BUF]][%[[OFF]]] : memref<?xf16>, vector<8xf16>
func.func @query_rows(%q: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index) -> tensor<2x8xf16> {
  %t = moda_tile.load %q[%batch, %head, %first] end %end extent %extent {rows = #moda_tile.rows<kind = query, heads = 6, group = 3>} : memref<?xf16> -> tensor<2x8xf16>
  return %t : tensor<2x8xf16>
}

// -----

// Depth entries of depth_k[B, T, L, Hk = 4, D = 8], entry e = t * L + l:
// ((batch * T * L + e) * 4 + head) * 8.
// CHECK-LABEL: func.func @depth_rows
// CHECK-SAME: (%[[BUF:[^:]*]]: memref<?xf16>, %[[BATCH:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[FIRST:[^:]*]]: index, %[[END:[^:]*]]: index, %[[EXTENT:[^:]*]]: index)
// CHECK: %[[SAFE:.*]] = arith.select
// CHECK: %[[BT:.*]] = arith.muli %[[BATCH]], %[[EXTENT]]
// CHECK: %[[ENTRY:.*]] = arith.addi %[[BT]], %[[SAFE]]
// CHECK: %[[EH:.*]] = arith.muli %[[ENTRY]], %c4
// CHECK: %[[E:.*]] = arith.addi %[[EH]], %[[HEAD]]
// CHECK: %[[OFF:.*]] = arith.muli %[[E]], %c8
// CHECK: vector.load %[[BUF]][%[[OFF]]]
func.func @depth_rows(%d: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index) -> tensor<2x8xf16> {
  %t = moda_tile.load %d[%batch, %head, %first] end %end extent %extent {rows = #moda_tile.rows<kind = depth, heads = 4>} : memref<?xf16> -> tensor<2x8xf16>
  return %t : tensor<2x8xf16>
}

// -----

// lse[B, Hq = 6, T] rows, G = 3: (batch * 6 + head * 3 + i mod 3) * T + i / 3.
// CHECK-LABEL: func.func @lse_rows
// CHECK-SAME: (%[[T:[^:]*]]: tensor<2xf32>, %[[BUF:[^:]*]]: memref<?xf32>, %[[BATCH:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[FIRST:[^:]*]]: index, %[[END:[^:]*]]: index, %[[EXTENT:[^:]*]]: index)
// CHECK: %[[ROW:.*]] = arith.addi %[[FIRST]]
// CHECK: scf.if
// CHECK: %[[POS:.*]] = arith.divui %[[ROW]], %c3
// CHECK: %[[G:.*]] = arith.remui %[[ROW]], %c3
// CHECK: %[[HG:.*]] = arith.muli %[[HEAD]], %c3
// CHECK: %[[QHEAD:.*]] = arith.addi %[[HG]], %[[G]]
// CHECK: %[[BH:.*]] = arith.muli %[[BATCH]], %c6
// CHECK: %[[H:.*]] = arith.addi %[[BH]], %[[QHEAD]]
// CHECK: %[[HT:.*]] = arith.muli %[[H]], %[[EXTENT]]
// CHECK: %[[OFF:.*]] = arith.addi %[[HT]], %[[POS]]
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[OFF]]]
func.func @lse_rows(%l: tensor<2xf32>, %lse: memref<?xf32>, %batch: index, %head: index, %first: index, %end: index, %extent: index) {
  moda_tile.store %l, %lse[%batch, %head, %first] end %end extent %extent {rows = #moda_tile.rows<kind = lse, heads = 6, group = 3>} : tensor<2xf32>, memref<?xf32>
  return
}
