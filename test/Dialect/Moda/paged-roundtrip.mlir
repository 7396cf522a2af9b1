// RUN: moda-opt %s | FileCheck %s
// RUN: moda-opt %s | moda-opt | FileCheck %s
// RUN: moda-opt %s --mlir-print-op-generic | moda-opt | FileCheck %s

// moda.attention over a paged KV cache (a pool of pages, a block table and
// the number of cached keys) survives parse -> print -> parse.

// CHECK-LABEL: func @paged_decode
// CHECK: moda.attention q(%{{.*}} : tensor<4x1x8x64xbf16>) kv(%{{.*}}, %{{.*}} : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>) depth(%{{.*}}, %{{.*}} : tensor<4x1x?x2x64xbf16>, tensor<4x1x?x2x64xbf16>) paged(%{{.*}}, %{{.*}} : tensor<4x32xi32>) {causal} -> tensor<4x1x8x64xbf16>, tensor<4x8x1xf32>
func.func @paged_decode(%q: tensor<4x1x8x64xbf16>, %k: tensor<?x64x2x64xbf16>, %dk: tensor<4x1x?x2x64xbf16>, %table: tensor<4x32xi32>, %S: index) -> tensor<4x8x1xf32> {
  %o, %l = moda.attention q(%q : tensor<4x1x8x64xbf16>) kv(%k, %k : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>) depth(%dk, %dk : tensor<4x1x?x2x64xbf16>, tensor<4x1x?x2x64xbf16>) paged(%table, %S : tensor<4x32xi32>) {causal} -> tensor<4x1x8x64xbf16>, tensor<4x8x1xf32>
  return %l : tensor<4x8x1xf32>
}

// CHECK-LABEL: func @paged_without_depth
// CHECK: paged(%{{.*}}, %{{.*}} : tensor<?x3xi32>) {strided}
func.func @paged_without_depth(%q: tensor<?x2x4x32xf32>, %k: tensor<9x128x4x32xf32>, %table: tensor<?x3xi32>, %S: index) -> tensor<?x2x4x32xf32> {
  %o, %l = moda.attention q(%q : tensor<?x2x4x32xf32>) kv(%k, %k : tensor<9x128x4x32xf32>, tensor<9x128x4x32xf32>) paged(%table, %S : tensor<?x3xi32>) {strided} -> tensor<?x2x4x32xf32>, tensor<?x4x2xf32>
  return %o : tensor<?x2x4x32xf32>
}
