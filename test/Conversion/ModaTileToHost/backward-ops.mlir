// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-host -canonicalize | FileCheck %s

// The backward's tile ops as host tensor code: their formulas are
// SoftmaxMath.cpp's, their masks Visibility.cpp's.

// softmax_probs with per-column lse (tensor<1xN>): the lse map picks
// column d1 of row 0; exp2(fma(s, c, -lse * log2(e))), zero where lse = -inf.
// CHECK-DAG: #[[TILE:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[COLUMN:.*]] = affine_map<(d0, d1) -> (0, d1)>
// CHECK-LABEL: func.func @probs_by_column
// CHECK: linalg.generic {indexing_maps = [#[[TILE]], #[[COLUMN]], #[[TILE]]]
// CHECK: ^bb0(%[[S:[^:]*]]: f32, %[[LSE:[^:]*]]: f32, %{{.*}}: f32):
// CHECK: %[[LC:.*]] = arith.mulf %[[LSE]], %cst
// CHECK: %[[EMPTY:.*]] = arith.cmpf oeq, %[[LSE]], %cst
// CHECK: %[[NEG:.*]] = arith.negf %[[LC]]
// CHECK: %[[X:.*]] = math.fma %[[S]], %cst{{.*}}, %[[NEG]]
// CHECK: %[[E:.*]] = math.exp2 %[[X]]
// CHECK: arith.select %[[EMPTY]], %{{.*}}, %[[E]]
func.func @probs_by_column(%s: tensor<4x8xf32>, %lse: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.5 : f32} : tensor<4x8xf32>, tensor<1x8xf32>
  return %p : tensor<4x8xf32>
}

// -----

// softmax_grad with per-row delta: p * (dp - delta) * scale.
// CHECK: #[[ROW:.*]] = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @grad_by_row
// CHECK: linalg.generic {{.*}}#[[ROW]]
// CHECK: ^bb0(%[[P:[^:]*]]: f32, %[[DP:[^:]*]]: f32, %[[DELTA:[^:]*]]: f32, %{{.*}}: f32):
// CHECK: %[[C:.*]] = arith.subf %[[DP]], %[[DELTA]]
// CHECK: %[[M:.*]] = arith.mulf %[[P]], %[[C]]
// CHECK: arith.mulf %[[M]], %{{.*}}
func.func @grad_by_row(%p: tensor<4x8xf32>, %dp: tensor<4x8xf32>, %delta: tensor<4xf32>) -> tensor<4x8xf32> {
  %ds = moda_tile.softmax_grad %p, %dp, %delta {scale = 0.25 : f32} : tensor<4x8xf32>, tensor<4xf32>
  return %ds : tensor<4x8xf32>
}

// -----

// row_dot: a reduction over the columns, products in f32.
// CHECK-LABEL: func.func @row_dot
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.extf
// CHECK: arith.extf
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @row_dot(%a: tensor<4x8xbf16>, %b: tensor<4x8xbf16>) -> tensor<4xf32> {
  %d = moda_tile.row_dot %a, %b : tensor<4x8xbf16> -> tensor<4xf32>
  return %d : tensor<4xf32>
}

// -----

// convert: truncation to the tensors' element type.
// CHECK-LABEL: func.func @convert
// CHECK: linalg.generic
// CHECK: arith.truncf %{{.*}} : f32 to bf16
func.func @convert(%a: tensor<4x8xf32>) -> tensor<4x8xbf16> {
  %c = moda_tile.convert %a : tensor<4x8xf32> -> tensor<4x8xbf16>
  return %c : tensor<4x8xbf16>
}

// -----

// A transposed mask: rows are keys, columns folded query rows (G = 2); key
// row r is seen by positions [max(r + T - S, 0) clamped to T, T).
// CHECK-LABEL: func.func @transposed_mask
// CHECK-SAME: (%{{.*}}: tensor<4x8xf32>, %[[R0:[^:]*]]: index, %[[C0:[^:]*]]: index, %[[T:[^:]*]]: index, %[[S:[^:]*]]: index, %{{.*}}: index)
// CHECK: linalg.generic
// CHECK: %[[I:.*]] = linalg.index 0
// CHECK: %[[KEY:.*]] = arith.addi %[[R0]], %[[I]]
// CHECK: %[[J:.*]] = linalg.index 1
// CHECK: %[[COL:.*]] = arith.addi %[[C0]], %[[J]]
// CHECK: %[[POS:.*]] = arith.divui %[[COL]], %c2
// CHECK: %[[KT:.*]] = arith.addi %[[KEY]], %[[T]]
// CHECK: %[[BEGIN:.*]] = arith.subi %[[KT]], %[[S]]
// CHECK-DAG: arith.cmpi slt, %[[POS]], %[[T]]
// CHECK-DAG: arith.cmpi sle, %{{.*}}, %[[POS]]
func.func @transposed_mask(%s: tensor<4x8xf32>, %r0: index, %c0: index, %T: index, %S: index, %L: index) -> tensor<4x8xf32> {
  %m = moda_tile.mask %s rows %r0 columns %c0 (T = %T, S = %S, L = %L) {group = 2 : i64, transposed, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}

// -----

// seeing_range of a depth entry under chunk visibility (C = 4): its
// position p = e / L and the end of p's chunk, both clamped to [0, T].
// CHECK-LABEL: func.func @seeing_chunk
// CHECK-SAME: (%[[E:[^:]*]]: index, %[[T:[^:]*]]: index, %{{.*}}: index, %[[L:[^:]*]]: index)
// CHECK: %[[P:.*]] = arith.divui %[[E]], %[[L]]
// CHECK: %[[CHUNK:.*]] = arith.divui %[[P]], %c4
// CHECK: %[[START:.*]] = arith.muli %[[CHUNK]], %c4
// CHECK: %[[END:.*]] = arith.addi %[[START]], %c4
// CHECK: arith.minsi %{{.*}}, %[[T]]
// CHECK: arith.minsi %{{.*}}, %[[T]]
func.func @seeing_chunk(%e: index, %T: index, %S: index, %L: index) -> (index, index) {
  %b, %end = moda_tile.seeing_range %e (T = %T, S = %S, L = %L) {visibility = #moda_tile.visibility<part = depth, depth = chunk, chunk_size = 4>}
  return %b, %end : index, index
}

// -----

// lse rows loaded as one row (tensor<1xN>): one scalar load per column,
// zero past the end.
// CHECK-LABEL: func.func @lse_as_row
// CHECK: scf.for
// CHECK: scf.if
// CHECK: memref.load
// CHECK: tensor.insert %{{.*}} into %{{.*}}[%c0, %{{.*}}] : tensor<1x8xf32>
func.func @lse_as_row(%lse: memref<?xf32>, %batch: index, %head: index, %first: index, %end: index, %extent: index) -> tensor<1x8xf32> {
  %t = moda_tile.load %lse[%batch, %head, %first] end %end extent %extent {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> tensor<1x8xf32>
  return %t : tensor<1x8xf32>
}
