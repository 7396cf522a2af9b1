// RUN: moda-opt %s | moda-opt | FileCheck %s
// RUN: moda-opt %s -mlir-print-op-generic | moda-opt | FileCheck %s

// Async warpgroup products and the waits that return their results: one
// tile, several, none (a bare wait).

// CHECK-LABEL: func.func @async_products
// CHECK: %[[S:.*]] = moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs}
// CHECK: %[[T:.*]] = moda_tile.dot {{.*}}async
// CHECK: %{{.*}} = moda_tile.dot_wait %[[S]] {pending = 1 : i64} : tensor<64x64xf32>
// CHECK: %{{.*}}:2 = moda_tile.dot_wait %[[S]], %[[T]] {pending = 0 : i64} : tensor<64x64xf32>, tensor<64x64xf32>
// CHECK: moda_tile.dot_wait {pending = 0 : i64}
func.func @async_products(%a: tensor<64x64xbf16>, %zero: tensor<64x64xf32>) -> (tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>) {
  %s = moda_tile.dot %a, %a, %zero {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %t = moda_tile.dot %a, %a, %zero {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  %s1 = moda_tile.dot_wait %s {pending = 1 : i64} : tensor<64x64xf32>
  %s2, %t2 = moda_tile.dot_wait %s, %t {pending = 0 : i64} : tensor<64x64xf32>, tensor<64x64xf32>
  moda_tile.dot_wait {pending = 0 : i64}
  return %s1, %s2, %t2 : tensor<64x64xf32>, tensor<64x64xf32>, tensor<64x64xf32>
}
