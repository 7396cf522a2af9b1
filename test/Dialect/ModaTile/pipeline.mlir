// RUN: moda-opt %s -split-input-file -moda-tile-pipeline | FileCheck %s

// Two stages: the prologue starts iteration lb's copies in slot 0; each
// iteration waits for its own (no younger group in flight), then starts
// iteration j + 1's (slot (j - lb + 1) mod 2) and commits; the loop
// carries the futures; a drain follows the loop.

// CHECK-LABEL: func.func private @two_stages
// CHECK-SAME: (%[[K:[^:]*]]: memref<?xbf16>, %[[V:[^:]*]]: memref<?xbf16>, %[[I:[^:]*]]: index, %[[LB:[^:]*]]: index, %[[UB:[^:]*]]: index)
// CHECK: %[[C1:.*]] = arith.constant 1 : index
// CHECK: %[[FIRST0:.*]] = arith.muli %{{.*}}, %c16
// CHECK: %[[FK:.*]] = moda_tile.async_load %[[K]][%[[I]], %[[I]], %[[FIRST0]]] end %[[I]] extent %[[I]] slot %[[S0:[^ ]*]] {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>}
// CHECK: %[[FV:.*]] = moda_tile.async_load %[[V]]{{.*}} slot %[[S0]] {{.*}}multi_buffer = 1 : i64
// CHECK-NEXT: moda_tile.commit
// CHECK: %[[R:.*]]:3 = scf.for %[[J:.*]] = %[[LB]] to %[[UB]] step %[[C1]] iter_args(%[[ACC:.*]] = %{{.*}}, %[[CK:.*]] = %[[FK]], %[[CV:.*]] = %[[FV]]) -> (tensor<32x16xf32>, !moda_tile.future<tensor<16x64xbf16>>, !moda_tile.future<tensor<16x64xbf16>>)
// CHECK-NEXT: %[[TILES:.*]]:2 = moda_tile.wait %[[CK]], %[[CV]] {pending = 0 : i64}
// CHECK: %[[AHEAD:.*]] = arith.addi %[[J]], %{{.*}}
// CHECK: arith.subi %[[J]], %[[LB]]
// CHECK: arith.divui %{{.*}}, %[[C1]]
// CHECK: %[[SLOT:.*]] = arith.remui %{{.*}}, %c2
// CHECK: %[[FIRST:.*]] = arith.muli %[[AHEAD]], %c16
// CHECK: %[[NK:.*]] = moda_tile.async_load %[[K]][%[[I]], %[[I]], %[[FIRST]]] end %[[I]] extent %[[I]] slot %[[SLOT]] {{.*}}multi_buffer = 0 : i64
// CHECK: %[[NV:.*]] = moda_tile.async_load %[[V]]{{.*}} slot %[[SLOT]] {{.*}}multi_buffer = 1 : i64
// CHECK-NEXT: moda_tile.commit
// CHECK-NOT: moda_tile.load
// CHECK: moda_tile.dot %{{.*}}, %[[TILES]]#0
// CHECK: moda_tile.dot %{{.*}}, %[[TILES]]#1
// CHECK: scf.yield %{{.*}}, %[[NK]], %[[NV]]
// CHECK: moda_tile.wait {pending = 0 : i64}
func.func private @two_stages(%k: memref<?xbf16>, %v: memref<?xbf16>, %i: index, %lb: index, %ub: index) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %zeros64 = arith.constant dense<0.0> : tensor<32x64xf32>
  %r = scf.for %j = %lb to %ub step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %first = arith.muli %j, %c16 : index
    %keys = moda_tile.load %k[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %values = moda_tile.load %v[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %keys, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %o = moda_tile.dot %s, %values, %zeros64 : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}

// -----

// Three stages: two prologue iterations (slots 0 and 1), two futures per
// load carried, the wait leaves one younger group in flight.

// CHECK-LABEL: func.func private @three_stages
// CHECK: %[[P0:.*]] = moda_tile.async_load {{.*}} slot %c0
// CHECK-NEXT: moda_tile.commit
// CHECK: %[[P1:.*]] = moda_tile.async_load {{.*}} slot %c1
// CHECK-NEXT: moda_tile.commit
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}, %[[OLD:.*]] = %[[P0]], %[[YOUNG:.*]] = %[[P1]]) -> (tensor<32x16xf32>, !moda_tile.future<tensor<16x64xbf16>>, !moda_tile.future<tensor<16x64xbf16>>)
// CHECK-NEXT: moda_tile.wait %[[OLD]] {pending = 1 : i64}
// CHECK: %[[NEW:.*]] = moda_tile.async_load
// CHECK: scf.yield %{{.*}}, %[[YOUNG]], %[[NEW]]
func.func private @three_stages(%k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %keys = moda_tile.load %k[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 3>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %keys, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}

// -----

// Left as they are: one stage (nothing to overlap), vector copies, and a
// load whose row depends on the loop's carried value (its future iteration
// cannot be computed ahead).

// CHECK-LABEL: func.func private @not_pipelined
// CHECK-NOT: moda_tile.async_load
// CHECK-NOT: moda_tile.wait
// CHECK-COUNT-3: moda_tile.load
func.func private @not_pipelined(%k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros, %row = %c0) -> (tensor<32x16xf32>, index) {
    %a = moda_tile.load %k[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %b = moda_tile.load %k[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %c = moda_tile.load %k[%i, %i, %row] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %a, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %t = moda_tile.dot %q, %b, %s {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %u = moda_tile.dot %q, %c, %t {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %next = arith.addi %row, %c1 : index
    scf.yield %u, %next : tensor<32x16xf32>, index
  }
  return
}

// -----

// A key-side step's query tile and the lse of its rows (column statistics,
// one row of f32) are both cp_async: both are copied ahead, each into its
// own multi-buffer, and waited for together.

// CHECK-LABEL: func.func private @column_statistics
// CHECK: moda_tile.async_load {{.*}}multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> <tensor<16x64xbf16>>
// CHECK: moda_tile.async_load {{.*}}multi_buffer = 1 : i64, rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> <tensor<1x16xf32>>
// CHECK: scf.for
// CHECK: %[[TILES:.*]]:2 = moda_tile.wait
// CHECK: moda_tile.softmax_probs %{{.*}}, %[[TILES]]#1
func.func private @column_statistics(%q: memref<?xbf16>, %lse: memref<?xf32>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %keys = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %rows = moda_tile.load %q[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %stats = moda_tile.load %lse[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> tensor<1x16xf32>
    %s = moda_tile.dot %keys, %rows, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %p = moda_tile.softmax_probs %s, %stats {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
    scf.yield %p : tensor<32x16xf32>
  }
  return
}

// -----

// A strided load keeps its strides (and a depth load its entries) in the
// asynchronous copies that replace it.
// CHECK-LABEL: func.func private @strided
// CHECK-SAME: (%[[D:[^:]*]]: memref<?xbf16>, %[[I:[^:]*]]: index, %[[N:[^:]*]]: index, %[[SB:[^:]*]]: index, %[[ST:[^:]*]]: index, %[[SL:[^:]*]]: index, %[[SH:[^:]*]]: index, %[[L:[^:]*]]: index)
// CHECK: moda_tile.async_load %[[D]]{{.*}} strides [%[[SB]], %[[ST]], %[[SL]], %[[SH]]] entries %[[L]] slot
// CHECK: scf.for
// CHECK: moda_tile.async_load %[[D]]{{.*}} strides [%[[SB]], %[[ST]], %[[SL]], %[[SH]]] entries %[[L]] slot
func.func private @strided(%d: memref<?xbf16>, %i: index, %n: index, %sb: index, %st: index, %sl: index, %sh: index, %l: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %entries = moda_tile.load %d[%i, %i, %j] end %i extent %i strides [%sb, %st, %sl, %sh] entries %l {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %entries, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}

// -----

// A masked step's tiles: loaded in the loop's body, read inside its
// moda_tile.if_seen; the reads there take the wait's tiles.

// CHECK-LABEL: func.func private @masked_step
// CHECK: scf.for
// CHECK-NEXT: %[[TILES:.*]]:2 = moda_tile.wait
// CHECK: moda_tile.commit
// CHECK-NOT: moda_tile.load
// CHECK: moda_tile.if_seen
// CHECK: moda_tile.dot %{{.*}}, %[[TILES]]#0
// CHECK: moda_tile.dot %{{.*}}, %[[TILES]]#1
// CHECK: moda_tile.yield
func.func private @masked_step(%k: memref<?xbf16>, %v: memref<?xbf16>, %i: index, %lb: index, %ub: index) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %max0 = arith.constant dense<0xFF800000> : tensor<32xf32>
  %sum0 = arith.constant dense<0.0> : tensor<32xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x64xf32>
  %r:3 = scf.for %j = %lb to %ub step %c1 iter_args(%max = %max0, %sum = %sum0, %acc = %acc0) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>) {
    %first = arith.muli %j, %c16 : index
    %keys = moda_tile.load %k[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %values = moda_tile.load %v[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %next:3 = moda_tile.if_seen rows %i columns %first (T = %i, S = %i, L = %i) carrying %max, %sum, %acc {columns = 16 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
      %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
      %s = moda_tile.dot %q, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
      %masked = moda_tile.mask %s rows %i columns %first (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
      %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<32xf32>
      %scaled = moda_tile.scale_rows %acc, %alpha : tensor<32x64xf32>, tensor<32xf32>
      %acc1 = moda_tile.dot %p, %values, %scaled : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
      moda_tile.yield %max1, %sum1, %acc1 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
    }
    scf.yield %next#0, %next#1, %next#2 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
  }
  return
}

// -----

// A paged cache's tiles: the page lookup only reads the block table, which
// nothing in the loop writes, so it runs an iteration ahead of its copy:
// the prologue starts iteration lb's copy from its lookup and looks up
// iteration lb + 1's; iteration j starts j + 1's copy from the carried
// lookup, then looks up j + 2's for the next iteration.

// CHECK-LABEL: func.func private @paged
// CHECK-SAME: (%[[K:[^:]*]]: memref<?xbf16>, %[[TABLE:[^:]*]]: memref<?xi32>, %[[I:[^:]*]]: index, %[[LB:[^:]*]]: index, %[[UB:[^:]*]]: index)
// CHECK: %[[PAGE0:.*]], %[[ROW0:.*]] = moda_tile.page_lookup %[[TABLE]]
// CHECK: %[[F0:.*]] = moda_tile.async_load %[[K]][%[[PAGE0]], %[[I]], %[[ROW0]]]
// CHECK-NEXT: moda_tile.commit
// CHECK: %[[PAGE1:.*]], %[[ROW1:.*]] = moda_tile.page_lookup %[[TABLE]]
// CHECK: scf.for %[[J:.*]] = %[[LB]] to %[[UB]] step %{{.*}} iter_args(%{{.*}} = %{{.*}}, %{{.*}} = %[[F0]], %[[PAGE:.*]] = %[[PAGE1]], %[[ROW:.*]] = %[[ROW1]])
// CHECK: moda_tile.wait
// CHECK-NOT: moda_tile.page_lookup
// CHECK: moda_tile.async_load %[[K]][%[[PAGE]], %[[I]], %[[ROW]]]
// CHECK-NEXT: moda_tile.commit
// CHECK: %[[TWO:.*]] = arith.addi %[[J]]
// CHECK: %[[FIRST2:.*]] = arith.muli %[[TWO]], %c16
// CHECK: %[[PAGE2:.*]], %[[ROW2:.*]] = moda_tile.page_lookup %[[TABLE]][%[[I]], %[[FIRST2]]]
// CHECK-NOT: moda_tile.load
// CHECK: scf.yield %{{.*}}, %{{.*}}, %[[PAGE2]], %[[ROW2]]
func.func private @paged(%k: memref<?xbf16>, %table: memref<?xi32>, %i: index, %lb: index, %ub: index) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %lb to %ub step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %first = arith.muli %j, %c16 : index
    %page, %row = moda_tile.page_lookup %table[%i, %first] pages %i {page_size = 64 : i64, pages_per_entry = 8 : i64} : memref<?xi32>
    %keys = moda_tile.load %k[%page, %i, %row] end %i extent %c64 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %keys, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}
