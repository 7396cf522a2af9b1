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

// -----

// Strided query rows (q a view of a fused projection [B, T, Hq + 2 Hk, D]):
// batch * SB + position * ST + query head * SH, no D factor (the row's first
// element).
// CHECK-LABEL: func.func @strided_query_rows
// CHECK-SAME: (%[[BUF:[^:]*]]: memref<?xf16>, %[[BATCH:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[FIRST:[^:]*]]: index, %[[END:[^:]*]]: index, %[[EXTENT:[^:]*]]: index, %[[SB:[^:]*]]: index, %[[ST:[^:]*]]: index, %[[SH:[^:]*]]: index)
// CHECK: %[[SAFE:.*]] = arith.select
// CHECK: %[[POS:.*]] = arith.divui %[[SAFE]], %c3
// CHECK: %[[G:.*]] = arith.remui %[[SAFE]], %c3
// CHECK: %[[HG:.*]] = arith.muli %[[HEAD]], %c3
// CHECK: %[[QHEAD:.*]] = arith.addi %[[HG]], %[[G]]
// CHECK: %[[B:.*]] = arith.muli %[[BATCH]], %[[SB]]
// CHECK: %[[P:.*]] = arith.muli %[[POS]], %[[ST]]
// CHECK: %[[BP:.*]] = arith.addi %[[B]], %[[P]]
// CHECK: %[[H:.*]] = arith.muli %[[QHEAD]], %[[SH]]
// CHECK: %[[OFF:.*]] = arith.addi %[[BP]], %[[H]]
// CHECK: vector.load %[[BUF]][%[[OFF]]] : memref<?xf16>, vector<8xf16>
func.func @strided_query_rows(%q: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index, %sb: index, %st: index, %sh: index) -> tensor<2x8xf16> {
  %t = moda_tile.load %q[%batch, %head, %first] end %end extent %extent strides [%sb, %st, %sh] {rows = #moda_tile.rows<kind = query, heads = 6, group = 3>} : memref<?xf16> -> tensor<2x8xf16>
  return %t : tensor<2x8xf16>
}

// -----

// Strided depth rows (the first L slots of a stream [B, T, C, Hk, D]): the
// flattened entry e splits into position e / L and entry e mod L (L at
// least 1: a guarded row's offset is computed even when L = 0).
// CHECK-LABEL: func.func @strided_depth_rows
// CHECK-SAME: (%[[BUF:[^:]*]]: memref<?xf16>, %[[BATCH:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[FIRST:[^:]*]]: index, %[[END:[^:]*]]: index, %[[EXTENT:[^:]*]]: index, %[[SB:[^:]*]]: index, %[[ST:[^:]*]]: index, %[[SL:[^:]*]]: index, %[[SH:[^:]*]]: index, %[[L:[^:]*]]: index)
// CHECK: %[[SAFE:.*]] = arith.select
// CHECK: %[[LM:.*]] = arith.maxui %[[L]], %c1
// CHECK: %[[POS:.*]] = arith.divui %[[SAFE]], %[[LM]]
// CHECK: %[[ENTRY:.*]] = arith.remui %[[SAFE]], %[[LM]]
// CHECK: %[[B:.*]] = arith.muli %[[BATCH]], %[[SB]]
// CHECK: %[[P:.*]] = arith.muli %[[POS]], %[[ST]]
// CHECK: %[[BP:.*]] = arith.addi %[[B]], %[[P]]
// CHECK: %[[E:.*]] = arith.muli %[[ENTRY]], %[[SL]]
// CHECK: %[[BPE:.*]] = arith.addi %[[BP]], %[[E]]
// CHECK: %[[H:.*]] = arith.muli %[[HEAD]], %[[SH]]
// CHECK: %[[OFF:.*]] = arith.addi %[[BPE]], %[[H]]
// CHECK: vector.load %[[BUF]][%[[OFF]]] : memref<?xf16>, vector<8xf16>
func.func @strided_depth_rows(%d: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index, %sb: index, %st: index, %sl: index, %sh: index, %l: index) -> tensor<2x8xf16> {
  %t = moda_tile.load %d[%batch, %head, %first] end %end extent %extent strides [%sb, %st, %sl, %sh] entries %l {rows = #moda_tile.rows<kind = depth, heads = 4>} : memref<?xf16> -> tensor<2x8xf16>
  return %t : tensor<2x8xf16>
}

// -----

// A strided store (out written into a view): key rows here.
// CHECK-LABEL: func.func @strided_key_store
// CHECK-SAME: (%[[T:[^:]*]]: tensor<2x8xf16>, %[[BUF:[^:]*]]: memref<?xf16>, %[[BATCH:[^:]*]]: index, %[[HEAD:[^:]*]]: index, %[[FIRST:[^:]*]]: index, %[[END:[^:]*]]: index, %[[EXTENT:[^:]*]]: index, %[[SB:[^:]*]]: index, %[[SS:[^:]*]]: index, %[[SH:[^:]*]]: index)
// CHECK: %[[ROW:.*]] = arith.addi %[[FIRST]]
// CHECK: scf.if
// CHECK: %[[B:.*]] = arith.muli %[[BATCH]], %[[SB]]
// CHECK: %[[K:.*]] = arith.muli %[[ROW]], %[[SS]]
// CHECK: %[[BK:.*]] = arith.addi %[[B]], %[[K]]
// CHECK: %[[H:.*]] = arith.muli %[[HEAD]], %[[SH]]
// CHECK: %[[OFF:.*]] = arith.addi %[[BK]], %[[H]]
// CHECK: vector.store {{.*}}, %[[BUF]][%[[OFF]]] : memref<?xf16>, vector<8xf16>
func.func @strided_key_store(%t: tensor<2x8xf16>, %k: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index, %sb: index, %ss: index, %sh: index) {
  moda_tile.store %t, %k[%batch, %head, %first] end %end extent %extent strides [%sb, %ss, %sh] {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<2x8xf16>, memref<?xf16>
  return
}
