// RUN: moda-opt %s -split-input-file -moda-tile-defer-value-products="min-value-columns=64" | FileCheck %s
// RUN: moda-opt %s -split-input-file -moda-tile-defer-value-products="min-value-columns=64" -moda-tile-async-dots | FileCheck %s --check-prefix=ASYNC
// RUN: moda-opt %s -split-input-file -moda-tile-defer-value-products | FileCheck %s --check-prefix=DEFAULT

// By default only value products of at least 128 columns (D >= 128) are
// deferred: these 64-column loops stay as they are.
// DEFAULT-LABEL: func.func private @unmasked_loop
// DEFAULT-NOT: scf.if
// DEFAULT-NOT: moda_tile.convert
// DEFAULT: moda_tile.finalize

// An unmasked softmax loop of wgmma products is rotated: iteration j loads
// step j - 1's values (step lb's in the first, with zero probabilities)
// and runs their product, then step j's scores and softmax, then rescales
// the accumulator; the probabilities are carried as bf16; after the loop,
// the last step's value product; no iteration at all keeps the inits.

// CHECK-LABEL: func.func private @unmasked_loop
// CHECK: %[[ANY:.*]] = arith.cmpi slt, %[[LB:.*]], %[[N:.*]] : index
// CHECK: %[[R:.*]]:3 = scf.if %[[ANY]]
// CHECK: %[[NONE:.*]] = arith.constant dense<0.000000e+00> : tensor<64x64xbf16>
// CHECK: %[[LOOP:.*]]:4 = scf.for %[[J:.*]] = %[[LB]] to %[[N]] step %{{.*}} iter_args(%[[M:.*]] = %{{.*}}, %[[L:.*]] = %{{.*}}, %[[A:.*]] = %{{.*}}, %[[P:.*]] = %[[NONE]])
// CHECK: %[[PREV:.*]] = arith.maxsi %{{.*}}, %[[LB]] : index
// CHECK: %[[VF:.*]] = arith.muli %[[PREV]], %c64
// CHECK: %[[V:.*]] = moda_tile.load %{{.*}}[%{{.*}}, %{{.*}}, %[[VF]]]
// CHECK: %[[KF:.*]] = arith.muli %[[J]], %c64
// CHECK: %[[K:.*]] = moda_tile.load %{{.*}}[%{{.*}}, %{{.*}}, %[[KF]]]
// CHECK: %[[S:.*]] = moda_tile.dot %{{.*}}, %[[K]], %{{.*}} {{{.*}}transpose_rhs}
// CHECK: %[[MAX:.*]], %[[PROBS:.*]], %[[ALPHA:.*]], %[[SUM:.*]] = moda_tile.softmax_update %[[S]], %[[M]], %[[L]]
// CHECK: %[[ACC:.*]] = moda_tile.dot %[[P]], %[[V]], %[[A]] {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>}
// CHECK: %[[SCALED:.*]] = moda_tile.scale_rows %[[ACC]], %[[ALPHA]]
// CHECK: %[[PB:.*]] = moda_tile.convert %[[PROBS]] : tensor<64x64xf32> -> tensor<64x64xbf16>
// CHECK: scf.yield %[[MAX]], %[[SUM]], %[[SCALED]], %[[PB]]
// CHECK: %[[LVF:.*]] = arith.muli %{{.*}}, %c64
// CHECK: %[[LV:.*]] = moda_tile.load %{{.*}}[%{{.*}}, %{{.*}}, %[[LVF]]]
// CHECK: %[[LAST:.*]] = moda_tile.dot %[[LOOP]]#3, %[[LV]], %[[LOOP]]#2
// CHECK: scf.yield %[[LOOP]]#0, %[[LOOP]]#1, %[[LAST]]
// CHECK: } else {
// CHECK: scf.yield %{{.*}}, %{{.*}}, %{{.*}} :
// CHECK: moda_tile.finalize %[[R]]#2, %[[R]]#0, %[[R]]#1

// After moda-tile-async-dots: the scores' product issued first, the value
// product right after it; the scores waited for with the value product left
// running under the softmax; the value product before the rescale.
// ASYNC-LABEL: func.func private @unmasked_loop
// ASYNC: scf.for
// ASYNC: %[[S:.*]] = moda_tile.dot {{.*}} {async, {{.*}}transpose_rhs}
// ASYNC-NEXT: %[[ACC:.*]] = moda_tile.dot {{.*}} {async, layout
// ASYNC-NEXT: %[[S1:.*]] = moda_tile.dot_wait %[[S]] {pending = 1 : i64}
// ASYNC-NEXT: moda_tile.softmax_update %[[S1]]
// ASYNC-NEXT: %[[ACC1:.*]] = moda_tile.dot_wait %[[ACC]] {pending = 0 : i64}
// ASYNC-NEXT: moda_tile.scale_rows %[[ACC1]]
#wgmma = #moda_tile.layout<kind = wgmma, num_warps = 4>
#rows = #moda_tile.rows<kind = key, heads = 1>
func.func private @unmasked_loop(%q: tensor<64x64xbf16>, %kbuf: memref<?xbf16>, %vbuf: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %lb: index, %n: index, %S: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %r:3 = scf.for %j = %lb to %n step %c1 iter_args(%m = %m0, %l = %l0, %acc = %zero) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
    %first = arith.muli %j, %c64 : index
    %k = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %v = moda_tile.load %vbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %m1, %p, %alpha, %l1 = moda_tile.softmax_update %s, %m, %l {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %m1, %l1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  %o, %e = moda_tile.finalize %r#2, %r#0, %r#1 {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>
  return
}

// -----

// Products of the mma_sync layout finish when issued: nothing to overlap,
// the loop stays.

// CHECK-LABEL: func.func private @synchronous_products
// CHECK-NOT: scf.if
// CHECK: scf.for {{.*}} -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>)
// CHECK: moda_tile.softmax_update
// CHECK: moda_tile.scale_rows
// CHECK: moda_tile.dot
// CHECK: scf.yield
#mma = #moda_tile.layout<kind = mma_sync, num_warps = 4>
#rows = #moda_tile.rows<kind = key, heads = 1>
func.func private @synchronous_products(%q: tensor<64x64xbf16>, %kbuf: memref<?xbf16>, %n: index, %S: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %r:3 = scf.for %j = %c0 to %n step %c1 iter_args(%m = %m0, %l = %l0, %acc = %zero) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
    %first = arith.muli %j, %c64 : index
    %k = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %v = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %s = moda_tile.dot %q, %k, %zero {layout = #mma, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %m1, %p, %alpha, %l1 = moda_tile.softmax_update %s, %m, %l {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %v, %a {layout = #mma} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %m1, %l1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  return
}

// -----

// A masked step (moda_tile.if_seen) is left as it is.

// CHECK-LABEL: func.func private @masked_loop
// CHECK-NOT: scf.if
// CHECK: scf.for
// CHECK: moda_tile.if_seen
#wgmma = #moda_tile.layout<kind = wgmma, num_warps = 4>
#rows = #moda_tile.rows<kind = key, heads = 1>
func.func private @masked_loop(%q: tensor<64x64xbf16>, %kbuf: memref<?xbf16>, %row: index, %n: index, %T: index, %S: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %r:3 = scf.for %j = %c0 to %n step %c1 iter_args(%m = %m0, %l = %l0, %acc = %zero) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
    %first = arith.muli %j, %c64 : index
    %k = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %v = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %next:3 = moda_tile.if_seen rows %row columns %first (T = %T, S = %S, L = %c0) carrying %m, %l, %acc {columns = 64 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32> {
      %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      %sm = moda_tile.mask %s rows %row columns %first (T = %T, S = %S, L = %c0) {group = 1 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<64x64xf32>
      %m1, %p, %alpha, %l1 = moda_tile.softmax_update %sm, %m, %l {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
      %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
      %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
      moda_tile.yield %m1, %l1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
    }
    scf.yield %next#0, %next#1, %next#2 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  return
}

// -----

// A paged cache's loop: the page lookup only reads the block table, so the
// loop is rotated like any other; step j - 1's value tile is loaded from
// its own lookup, made again for the earlier step.

// CHECK-LABEL: func.func private @paged_loop
// CHECK: scf.for %[[J:.*]] = %{{.*}} to %{{.*}} step
// CHECK: %[[PREV:.*]] = arith.maxsi
// CHECK: %[[VF:.*]] = arith.muli %[[PREV]], %c64
// CHECK: %[[VPAGE:.*]], %[[VROW:.*]] = moda_tile.page_lookup %{{.*}}[%{{.*}}, %[[VF]]]
// CHECK: moda_tile.load %{{.*}}[%[[VPAGE]], %{{.*}}, %[[VROW]]]
// CHECK: %[[KF:.*]] = arith.muli %[[J]], %c64
// CHECK: %[[KPAGE:.*]], %[[KROW:.*]] = moda_tile.page_lookup %{{.*}}[%{{.*}}, %[[KF]]]
// CHECK: moda_tile.load %{{.*}}[%[[KPAGE]], %{{.*}}, %[[KROW]]]
// CHECK: moda_tile.softmax_update
// CHECK: moda_tile.convert
#wgmma = #moda_tile.layout<kind = wgmma, num_warps = 4>
#rows = #moda_tile.rows<kind = key, heads = 1>
func.func private @paged_loop(%q: tensor<64x64xbf16>, %kbuf: memref<?xbf16>, %vbuf: memref<?xbf16>, %table: memref<?xi32>, %pages: index, %lb: index, %n: index, %S: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %r:3 = scf.for %j = %lb to %n step %c1 iter_args(%m = %m0, %l = %l0, %acc = %zero) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
    %first = arith.muli %j, %c64 : index
    %page, %row = moda_tile.page_lookup %table[%c0, %first] pages %pages {page_size = 128 : i64, pages_per_entry = 8 : i64} : memref<?xi32>
    %k = moda_tile.load %kbuf[%page, %c0, %row] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %v = moda_tile.load %vbuf[%page, %c0, %row] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %m1, %p, %alpha, %l1 = moda_tile.softmax_update %s, %m, %l {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %m1, %l1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  %o, %e = moda_tile.finalize %r#2, %r#0, %r#1 {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>
  return
}
