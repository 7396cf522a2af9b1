// RUN: moda-opt %s -split-input-file -moda-tile-async-dots | FileCheck %s

// A key-side backward step: the output-gradient product (dP) moves up past
// the value-gradient product and the softmax to just after the score
// product (needed first, so issued first); the scores are waited for with
// dP left running, dP with dV left running; dK and dV are waited for
// before the yield, so no product outlives the iteration.

// CHECK-LABEL: func.func private @key_step
// CHECK: scf.for
// CHECK: %[[S:.*]] = moda_tile.dot %[[K:.*]], %[[Q:.*]], %{{.*}} {async, {{.*}}transpose_rhs}
// CHECK-NEXT: %[[DP:.*]] = moda_tile.dot %[[V:.*]], %[[DO:.*]], %{{.*}} {async, {{.*}}transpose_rhs}
// CHECK-NEXT: %[[S1:.*]] = moda_tile.dot_wait %[[S]] {pending = 1 : i64} : tensor<64x64xf32>
// CHECK-NEXT: %[[P:.*]] = moda_tile.softmax_probs %[[S1]]
// CHECK-NEXT: %[[DV:.*]] = moda_tile.dot %[[P]], %[[DO]], %{{.*}} {async,
// CHECK-NEXT: %[[DP1:.*]] = moda_tile.dot_wait %[[DP]] {pending = 1 : i64}
// CHECK-NEXT: %[[DS:.*]] = moda_tile.softmax_grad %[[P]], %[[DP1]]
// CHECK-NEXT: %[[DK:.*]] = moda_tile.dot %[[DS]], %[[Q]], %{{.*}} {async,
// CHECK-NEXT: %[[DONE:.*]]:2 = moda_tile.dot_wait %[[DV]], %[[DK]] {pending = 0 : i64}
// CHECK-NEXT: scf.yield %[[DONE]]#1, %[[DONE]]#0
func.func private @key_step(%k: tensor<64x64xbf16>, %v: tensor<64x64xbf16>, %q: tensor<64x64xbf16>, %do: tensor<64x64xbf16>, %lse: tensor<1x64xf32>, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%dk = %zero, %dv = %zero) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
    %s = moda_tile.dot %k, %q, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<1x64xf32>
    %dv1 = moda_tile.dot %p, %do, %dv {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %dp = moda_tile.dot %v, %do, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %ds = moda_tile.softmax_grad %p, %dp, %lse {scale = 0.125 : f32} : tensor<64x64xf32>, tensor<1x64xf32>
    %dk1 = moda_tile.dot %ds, %q, %dk {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %dk1, %dv1 : tensor<64x64xf32>, tensor<64x64xf32>
  }
  return
}

// -----

// Products chained through their accumulator are ordered by the hardware:
// no wait between them; the chain's end is read after one.

// CHECK-LABEL: func.func private @chained
// CHECK: %[[A:.*]] = moda_tile.dot {{.*}} {async,
// CHECK-NEXT: %[[B:.*]] = moda_tile.dot %{{.*}}, %{{.*}}, %[[A]] {async,
// CHECK-NEXT: %[[B1:.*]] = moda_tile.dot_wait %[[B]] {pending = 0 : i64}
// CHECK-NEXT: moda_tile.convert %[[B1]]
func.func private @chained(%a: tensor<64x64xbf16>, %b: tensor<64x64xbf16>) -> tensor<64x64xbf16> attributes {moda_tile.program} {
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %x = moda_tile.dot %a, %b, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %y = moda_tile.dot %a, %b, %x {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %c = moda_tile.convert %y : tensor<64x64xf32> -> tensor<64x64xbf16>
  return %c : tensor<64x64xbf16>
}

// -----

// An op with memory effects may write what a running product reads: every
// product is waited for before it (a wait that returns the tiles still to
// be read), and no product moves above it.

// CHECK-LABEL: func.func private @effects_fence
// CHECK: %[[X:.*]] = moda_tile.dot {{.*}} {async,
// CHECK-NEXT: %[[X1:.*]] = moda_tile.dot_wait %[[X]] {pending = 0 : i64}
// CHECK-NEXT: moda_tile.load
// CHECK-NEXT: moda_tile.dot {{.*}} {async,
// CHECK: moda_tile.convert %[[X1]]
func.func private @effects_fence(%a: tensor<64x64xbf16>, %buf: memref<?xbf16>, %i: index) -> (tensor<64x64xbf16>, tensor<64x64xf32>) attributes {moda_tile.program} {
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %x = moda_tile.dot %a, %a, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %t = moda_tile.load %buf[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %y = moda_tile.dot %a, %a, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %c = moda_tile.convert %x : tensor<64x64xf32> -> tensor<64x64xbf16>
  return %c, %y : tensor<64x64xbf16>, tensor<64x64xf32>
}

// -----

// Products of the other layouts are done when they return: left as they are.

// CHECK-LABEL: func.func private @mma_sync
// CHECK: moda_tile.dot {{.*}} {layout = #moda_tile.layout<kind = mma_sync, num_warps = 4>}
// CHECK-NOT: async
// CHECK-NOT: moda_tile.dot_wait
func.func private @mma_sync(%a: tensor<64x64xbf16>) -> tensor<64x64xf32> attributes {moda_tile.program} {
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %x = moda_tile.dot %a, %a, %zero {layout = #moda_tile.layout<kind = mma_sync, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return %x : tensor<64x64xf32>
}

// -----

// A masked step (moda_tile.if_seen): its products are issued and waited for
// inside its body, the last before its yield, so none runs past the branch
// a lowering may put around it.

// CHECK-LABEL: func.func private @masked_step
// CHECK: moda_tile.if_seen
// CHECK: %[[S:.*]] = moda_tile.dot {{.*}} {async, {{.*}}transpose_rhs}
// CHECK-NEXT: %[[S1:.*]] = moda_tile.dot_wait %[[S]] {pending = 0 : i64}
// CHECK-NEXT: moda_tile.mask %[[S1]]
// CHECK: %[[ACC:.*]] = moda_tile.dot {{.*}} {async,
// CHECK-NEXT: %[[ACC1:.*]] = moda_tile.dot_wait %[[ACC]] {pending = 0 : i64}
// CHECK-NEXT: moda_tile.yield %{{.*}}, %{{.*}}, %[[ACC1]]
func.func private @masked_step(%q: tensor<64x64xbf16>, %k: tensor<64x64xbf16>, %max: tensor<64xf32>, %sum: tensor<64xf32>, %acc: tensor<64x64xf32>, %i: index) attributes {moda_tile.program} {
  %next:3 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %sum, %acc {columns = 64 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32> {
    %zero = arith.constant dense<0.0> : tensor<64x64xf32>
    %s = moda_tile.dot %q, %k, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64x64xf32>
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %scaled = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %k, %scaled {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    moda_tile.yield %max1, %sum1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  return
}
