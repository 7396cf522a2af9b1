// RUN: moda-opt %s -canonicalize -split-input-file | FileCheck %s

// An attention whose depth has no entries (L == 0) is plain attention.

// CHECK-LABEL: func @drops_empty_depth
// CHECK: moda.attention q(%{{.*}} : tensor<1x16x4x8xf16>) kv(%{{.*}}, %{{.*}} : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {causal} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
// CHECK-NOT: depth(
func.func @drops_empty_depth(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x0x2x8xf16>) -> tensor<1x16x4x8xf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x0x2x8xf16>, tensor<1x16x0x2x8xf16>) {causal} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x8xf16>
}

// -----

// Chunk visibility restricts nothing once the depth part is gone.
// CHECK-LABEL: func @drops_chunk_visibility
// CHECK: moda.attention {{.*}} {scale = 2.500000e-01 : f32} ->
func.func @drops_chunk_visibility(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x0x2x8xf16>) -> tensor<1x16x4x8xf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x0x2x8xf16>, tensor<1x16x0x2x8xf16>) {scale = 0.25 : f32, visibility = #moda.visibility<chunk>, chunk_size = 4} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x8xf16>
}

// -----

// Depth entries that exist, or whose count is unknown, stay.
// CHECK-LABEL: func @keeps_depth
// CHECK: depth(%{{.*}}, %{{.*}} : tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>)
// CHECK: depth(%{{.*}}, %{{.*}} : tensor<1x16x?x2x8xf16>, tensor<1x16x?x2x8xf16>)
func.func @keeps_depth(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x1x2x8xf16>, %dd: tensor<1x16x?x2x8xf16>) -> (tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  %o2, %l2 = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dd, %dd : tensor<1x16x?x2x8xf16>, tensor<1x16x?x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return %o, %o2 : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>
}

// -----

// A depth-only attention over no entries keeps its operands: without them it
// would not be well-formed (its rows see nothing: out = 0, lse = -inf).
// CHECK-LABEL: func @keeps_depth_only
// CHECK: depth(%{{.*}}, %{{.*}} : tensor<1x16x0x2x8xf16>, tensor<1x16x0x2x8xf16>) {visibility = #moda.visibility<depth_only>}
func.func @keeps_depth_only(%q: tensor<1x16x4x8xf16>, %dk: tensor<1x16x0x2x8xf16>) -> tensor<1x16x4x8xf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) depth(%dk, %dk : tensor<1x16x0x2x8xf16>, tensor<1x16x0x2x8xf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x8xf16>
}
