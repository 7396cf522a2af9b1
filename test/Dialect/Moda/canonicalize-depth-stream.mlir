// RUN: moda-opt %s -canonicalize -split-input-file | FileCheck %s

// The entries of an empty stream are zero-sized tensors; the first layer of
// a model therefore becomes plain attention.

// CHECK-LABEL: func @first_layer
// CHECK-SAME: (%[[B:.*]]: index, %[[T:.*]]: index
// CHECK-NOT: moda.stream
// CHECK: moda.attention q({{.*}}) kv({{.*}}) {causal} ->
// CHECK-NOT: depth(
func.func @first_layer(%b: index, %t: index, %q: tensor<?x?x4x8xf16>, %k: tensor<?x?x2x8xf16>) -> tensor<?x?x4x8xf16> {
  %s = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4> -> tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>
  %o, %l = moda.attention q(%q : tensor<?x?x4x8xf16>) kv(%k, %k : tensor<?x?x2x8xf16>, tensor<?x?x2x8xf16>) depth(%dk, %dv : tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>) {causal} -> tensor<?x?x4x8xf16>, tensor<?x4x?xf32>
  return %o : tensor<?x?x4x8xf16>
}

// -----

// CHECK-LABEL: func @entries_of_empty
// CHECK-SAME: (%[[B:.*]]: index, %[[T:.*]]: index)
// CHECK: %[[E:.*]] = tensor.empty(%[[B]], %[[T]]) : tensor<?x?x0x2x8xf16>
// CHECK: return %[[E]], %[[E]]
func.func @entries_of_empty(%b: index, %t: index) -> (tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>) {
  %s = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4> -> tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>
  return %dk, %dv : tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>
}

// -----

// Streams that hold entries are read as they are.
// CHECK-LABEL: func @entries_of_full
// CHECK: moda.stream.append
// CHECK: moda.stream.entries
func.func @entries_of_full(%k: tensor<1x16x2x8xf16>) -> tensor<1x16x1x2x8xf16> {
  %s = moda.stream.empty : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>
  %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 4>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16> -> !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4>
  %dk, %dv = moda.stream.entries %s1 : !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 4> -> tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>
  return %dk : tensor<1x16x1x2x8xf16>
}

// -----

// A size-0 stream of unknown origin with dynamic B, T has no sizes to give.
// CHECK-LABEL: func @entries_of_argument
// CHECK: moda.stream.entries
func.func @entries_of_argument(%s: !moda.depth_stream<?x16x2x8xf16, size = 0, capacity = 4>) -> tensor<?x16x0x2x8xf16> {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x16x2x8xf16, size = 0, capacity = 4> -> tensor<?x16x0x2x8xf16>, tensor<?x16x0x2x8xf16>
  return %dk : tensor<?x16x0x2x8xf16>
}

// -----

// Results more static than the stream (B known here, T from the creation):
// each empty tensor has its result's type, so the IR still verifies.

// CHECK-LABEL: func @refined_entries
// CHECK-SAME: (%[[B:.*]]: index, %[[T:.*]]: index)
// CHECK-DAG: %[[K:.*]] = tensor.empty(%[[T]]) : tensor<1x?x0x2x8xf16>
// CHECK-DAG: %[[V:.*]] = tensor.empty() : tensor<1x16x0x2x8xf16>
// CHECK: return %[[K]], %[[V]]
func.func @refined_entries(%b: index, %t: index) -> (tensor<1x?x0x2x8xf16>, tensor<1x16x0x2x8xf16>) {
  %s = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4> -> tensor<1x?x0x2x8xf16>, tensor<1x16x0x2x8xf16>
  return %dk, %dv : tensor<1x?x0x2x8xf16>, tensor<1x16x0x2x8xf16>
}
