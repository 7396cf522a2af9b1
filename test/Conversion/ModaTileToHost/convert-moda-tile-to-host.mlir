// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-host | FileCheck %s

// A program's ids and the grid's extent become its six trailing arguments;
// a launch becomes a loop nest over the grid (z, y, x) calling it.

// CHECK-LABEL: func.func private @program
// CHECK-SAME: (%[[BUF:[^:]*]]: memref<?xf32>, %[[X:[^:]*]]: index, %[[Y:[^:]*]]: index, %[[Z:[^:]*]]: index, %[[NX:[^:]*]]: index, %[[NY:[^:]*]]: index, %[[NZ:[^:]*]]: index)
// CHECK-NOT: moda_tile
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[X]]]
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[Z]]]
// CHECK: memref.store %{{.*}}, %[[BUF]][%[[NY]]]
// CHECK-LABEL: func.func @launcher
// CHECK-SAME: (%{{.*}}: memref<?xf32>, %[[N:.*]]: index)
// CHECK: %[[C2:.*]] = arith.constant 2 : index
// CHECK: scf.for %[[GZ:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[GY:.*]] = %c0 to %{{.*}} step %c1
// CHECK: scf.for %[[GX:.*]] = %c0 to %{{.*}} step %c1
// CHECK: func.call @program(%{{.*}}, %[[GX]], %[[GY]], %[[GZ]], %[[N]], %[[C2]], %[[N]])
func.func private @program(%buf: memref<?xf32>) attributes {moda_tile.program} {
  %x = moda_tile.program_id x
  %z = moda_tile.program_id z
  %blocks_y = moda_tile.num_programs y
  %one = arith.constant 1.0 : f32
  memref.store %one, %buf[%x] : memref<?xf32>
  memref.store %one, %buf[%z] : memref<?xf32>
  memref.store %one, %buf[%blocks_y] : memref<?xf32>
  return
}
func.func @launcher(%buf: memref<?xf32>, %n: index) {
  %c2 = arith.constant 2 : index
  moda_tile.launch @program grid(%n, %c2, %n) (%buf) : memref<?xf32>
  return
}

// -----

// A dot is a linalg.generic contraction in f32 (rhs transposed by its map).

// CHECK: #[[LHS:.*]] = affine_map<(d0, d1, d2) -> (d0, d2)>
// CHECK: #[[RHS:.*]] = affine_map<(d0, d1, d2) -> (d1, d2)>
// CHECK: #[[ACC:.*]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @dot
// CHECK: linalg.generic {indexing_maps = [#[[LHS]], #[[RHS]], #[[ACC]]], iterator_types = ["parallel", "parallel", "reduction"]}
// CHECK-SAME: ins(%{{.*}}, %{{.*}} : tensor<4x8xbf16>, tensor<2x8xbf16>) outs(%{{.*}} : tensor<4x2xf32>)
// CHECK: arith.extf %{{.*}} : bf16 to f32
// CHECK: arith.mulf
// CHECK: arith.addf
func.func @dot(%a: tensor<4x8xbf16>, %b: tensor<2x8xbf16>, %c: tensor<4x2xf32>) -> tensor<4x2xf32> {
  %r = moda_tile.dot %a, %b, %c {transpose_rhs} : tensor<4x8xbf16>, tensor<2x8xbf16> -> tensor<4x2xf32>
  return %r : tensor<4x2xf32>
}

// -----

// A mask asks the visibility rule per score: position (row0 + i) / group,
// column col0 + j, kept inside [begin, end), else -inf.

// CHECK-LABEL: func.func @mask
// CHECK: linalg.generic
// CHECK: linalg.index 0
// CHECK: linalg.index 1
// CHECK: arith.divui %{{.*}}, %c2
// CHECK: arith.maxsi
// CHECK: arith.minsi
// CHECK-DAG: arith.cmpi sle
// CHECK-DAG: arith.cmpi slt
// CHECK: arith.select %{{.*}}, %{{.*}}, %cst
func.func @mask(%s: tensor<4x2xf32>, %r: index, %c: index, %t: index, %k: index, %l: index) -> tensor<4x2xf32> {
  %m = moda_tile.mask %s rows %r columns %c (T = %t, S = %k, L = %l) {group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}

// -----

// Loads and stores are loops over the tile's rows: rows past `end` read as
// zeros and are not written; lse rows are single elements.

// CHECK-LABEL: func.func @rows
// CHECK: scf.for %[[R:.*]] = %c0 to %c4 step %c1 iter_args(%[[TILE:.*]] = %{{.*}}) -> (tensor<4x8xf16>)
// CHECK: %[[IN:.*]] = arith.cmpi slt
// CHECK: scf.if %[[IN]] -> (vector<8xf16>)
// CHECK: vector.load %{{.*}}[%{{.*}}] : memref<?xf16>, vector<8xf16>
// CHECK: } else {
// CHECK: arith.constant dense<0.000000e+00> : vector<8xf16>
// CHECK: vector.transfer_write %{{.*}}, %[[TILE]][%[[R]], %c0{{.*}}] {in_bounds = [true]}
// CHECK: scf.for
// CHECK: scf.if
// CHECK: tensor.extract
// CHECK: memref.store %{{.*}}, %{{.*}}[%{{.*}}] : memref<?xf32>
func.func @rows(%k: memref<?xf16>, %lse: memref<?xf32>, %l: tensor<4xf32>, %i: index) -> tensor<4x8xf16> {
  %t = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xf16> -> tensor<4x8xf16>
  moda_tile.store %l, %lse[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<4xf32>, memref<?xf32>
  return %t : tensor<4x8xf16>
}

// -----

// The online-softmax step and the final normalization: exp2 against a max
// that is 0 while a row has seen only -inf; log for the log-sum-exp.

// CHECK-LABEL: func.func @softmax
// CHECK: linalg.generic {{.*}} iterator_types = ["parallel", "reduction"]
// CHECK: arith.maximumf
// CHECK: arith.cmpf oeq
// CHECK: math.exp2
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: arith.divf
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK: math.log
// CHECK-NOT: moda_tile
func.func @softmax(%s: tensor<4x2xf32>, %m: tensor<4xf32>, %acc: tensor<4x8xf32>) -> (tensor<4x8xbf16>, tensor<4xf32>) {
  %m1, %p, %alpha, %s1 = moda_tile.softmax_update %s, %m, %m {exp2_scale = 0.5 : f32} : tensor<4x2xf32>, tensor<4xf32>
  %scaled = moda_tile.scale_rows %acc, %alpha : tensor<4x8xf32>, tensor<4xf32>
  %o, %l = moda_tile.finalize %scaled, %m1, %s1 {exp2_scale = 0.5 : f32} : tensor<4x8xf32>, tensor<4xf32> -> tensor<4x8xbf16>
  return %o, %l : tensor<4x8xbf16>, tensor<4xf32>
}
