// RUN: moda-opt %s -split-input-file -moda-buffer-depth-streams | FileCheck %s

// A stream in straight-line code: two buffers [B, T, capacity, Hk, D]
// allocated once, each append a slice inserted at slot `size` (the size a
// constant folded into the offsets), each entries read the slice of slots
// [0, size).

// CHECK-LABEL: func.func @straight_line
// CHECK-SAME: (%[[K0:[^:]*]]: tensor<1x16x2x32xbf16>, %[[K1:[^:]*]]: tensor<1x16x2x32xbf16>)
// CHECK: %[[KB:.*]] = bufferization.alloc_tensor() : tensor<1x16x4x2x32xbf16>
// CHECK: %[[VB:.*]] = bufferization.alloc_tensor() : tensor<1x16x4x2x32xbf16>
// CHECK: %[[KB1:.*]] = tensor.insert_slice %[[K0]] into %[[KB]][0, 0, 0, 0, 0] [1, 16, 1, 2, 32] [1, 1, 1, 1, 1] : tensor<1x16x2x32xbf16> into tensor<1x16x4x2x32xbf16>
// CHECK: %[[VB1:.*]] = tensor.insert_slice %[[K0]] into %[[VB]][0, 0, 0, 0, 0]
// CHECK: %[[KB2:.*]] = tensor.insert_slice %[[K1]] into %[[KB1]][0, 0, 1, 0, 0] [1, 16, 1, 2, 32]
// CHECK: %[[VB2:.*]] = tensor.insert_slice %[[K1]] into %[[VB1]][0, 0, 1, 0, 0]
// CHECK: %[[DK:.*]] = tensor.extract_slice %[[KB2]][0, 0, 0, 0, 0] [1, 16, 2, 2, 32] [1, 1, 1, 1, 1] : tensor<1x16x4x2x32xbf16> to tensor<1x16x2x2x32xbf16>
// CHECK: %[[DV:.*]] = tensor.extract_slice %[[VB2]][0, 0, 0, 0, 0] [1, 16, 2, 2, 32]
// CHECK: return %[[DK]], %[[DV]]
// CHECK-NOT: moda.stream
func.func @straight_line(%k0: tensor<1x16x2x32xbf16>, %k1: tensor<1x16x2x32xbf16>) -> (tensor<1x16x2x2x32xbf16>, tensor<1x16x2x2x32xbf16>) {
  %s0 = moda.stream.empty : !moda.depth_stream<1x16x2x32xbf16, size = 0, capacity = 4>
  %s1 = moda.stream.append %s0, %k0, %k0 : !moda.depth_stream<1x16x2x32xbf16, size = 0, capacity = 4>, tensor<1x16x2x32xbf16>, tensor<1x16x2x32xbf16> -> !moda.depth_stream<1x16x2x32xbf16, size = 1, capacity = 4>
  %s2 = moda.stream.append %s1, %k1, %k1 : !moda.depth_stream<1x16x2x32xbf16, size = 1, capacity = 4>, tensor<1x16x2x32xbf16>, tensor<1x16x2x32xbf16> -> !moda.depth_stream<1x16x2x32xbf16, size = 2, capacity = 4>
  %dk, %dv = moda.stream.entries %s2 : !moda.depth_stream<1x16x2x32xbf16, size = 2, capacity = 4> -> tensor<1x16x2x2x32xbf16>, tensor<1x16x2x2x32xbf16>
  return %dk, %dv : tensor<1x16x2x2x32xbf16>, tensor<1x16x2x2x32xbf16>
}

// -----

// A loop over layers carries the stream as its two buffers and its size;
// B and T are dynamic (the allocation takes them), and so is the size, so
// each append first asserts that the stream is not full.

// CHECK-LABEL: func.func @layers
// CHECK-SAME: (%[[X:[^:]*]]: tensor<?x?x4x32xf32>, %[[K:[^:]*]]: tensor<?x?x2x32xf32>, %[[N:[^:]*]]: index)
// CHECK: %[[B:.*]] = tensor.dim %[[X]], %c0
// CHECK: %[[T:.*]] = tensor.dim %[[X]], %c1
// CHECK: %[[KB:.*]] = bufferization.alloc_tensor(%[[B]], %[[T]]) : tensor<?x?x6x2x32xf32>
// CHECK: %[[VB:.*]] = bufferization.alloc_tensor(%[[B]], %[[T]]) : tensor<?x?x6x2x32xf32>
// CHECK: %[[ZERO:.*]] = arith.constant 0 : index
// CHECK: %[[R:.*]]:4 = scf.for %{{.*}} = %{{.*}} to %[[N]] step %{{.*}} iter_args(%[[H:.*]] = %[[X]], %[[KS:.*]] = %[[KB]], %[[VS:.*]] = %[[VB]], %[[SIZE:.*]] = %[[ZERO]]) -> (tensor<?x?x4x32xf32>, tensor<?x?x6x2x32xf32>, tensor<?x?x6x2x32xf32>, index)
// CHECK: %[[DK:.*]] = tensor.extract_slice %[[KS]][0, 0, 0, 0, 0] [%{{.*}}, %{{.*}}, %[[SIZE]], 2, 32] [1, 1, 1, 1, 1] : tensor<?x?x6x2x32xf32> to tensor<?x?x?x2x32xf32>
// CHECK: %[[DV:.*]] = tensor.extract_slice %[[VS]][0, 0, 0, 0, 0] [%{{.*}}, %{{.*}}, %[[SIZE]], 2, 32]
// CHECK: %[[O:.*]], %{{.*}} = moda.attention q(%[[H]] : {{.*}} depth(%[[DK]], %[[DV]] :
// CHECK: %[[FITS:.*]] = arith.cmpi ult, %[[SIZE]], %c6
// CHECK: cf.assert %[[FITS]], "moda.stream.append: the depth stream is full
// CHECK: %[[KS1:.*]] = tensor.insert_slice %[[K]] into %[[KS]][0, 0, %[[SIZE]], 0, 0]
// CHECK: %[[VS1:.*]] = tensor.insert_slice %[[K]] into %[[VS]][0, 0, %[[SIZE]], 0, 0]
// CHECK: %[[NEXT:.*]] = arith.addi %[[SIZE]], %c1
// CHECK: scf.yield %[[O]], %[[KS1]], %[[VS1]], %[[NEXT]]
// CHECK: return %[[R]]#0
func.func @layers(%x: tensor<?x?x4x32xf32>, %k: tensor<?x?x2x32xf32>, %n: index) -> tensor<?x?x4x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x4x32xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x4x32xf32>
  %s0 = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%h = %x, %s = %s0) -> (tensor<?x?x4x32xf32>, !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>) {
    %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6> -> tensor<?x?x?x2x32xf32>, tensor<?x?x?x2x32xf32>
    %o, %l = moda.attention q(%h : tensor<?x?x4x32xf32>) kv(%k, %k : tensor<?x?x2x32xf32>, tensor<?x?x2x32xf32>) depth(%dk, %dv : tensor<?x?x?x2x32xf32>, tensor<?x?x?x2x32xf32>) {causal} -> tensor<?x?x4x32xf32>, tensor<?x4x?xf32>
    %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>, tensor<?x?x2x32xf32>, tensor<?x?x2x32xf32> -> !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>
    scf.yield %o, %s1 : tensor<?x?x4x32xf32>, !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>
  }
  return %r#0 : tensor<?x?x4x32xf32>
}

// -----

// A function that takes and returns a stream: its signature, its callers
// and its return carry the two buffers and the size.

// CHECK-LABEL: func.func @layer
// CHECK-SAME: (%[[KB:[^:]*]]: tensor<1x8x3x1x16xf16>, %[[VB:[^:]*]]: tensor<1x8x3x1x16xf16>, %[[SIZE:[^:]*]]: index, %[[K:[^:]*]]: tensor<1x8x1x16xf16>) -> (tensor<1x8x3x1x16xf16>, tensor<1x8x3x1x16xf16>, index)
// CHECK: tensor.insert_slice %[[K]] into %[[KB]][0, 0, %[[SIZE]], 0, 0]
// CHECK-LABEL: func.func @model
// CHECK: %[[R:.*]]:3 = call @layer(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}) : (tensor<1x8x3x1x16xf16>, tensor<1x8x3x1x16xf16>, index, tensor<1x8x1x16xf16>) -> (tensor<1x8x3x1x16xf16>, tensor<1x8x3x1x16xf16>, index)
// CHECK: tensor.extract_slice %[[R]]#0[0, 0, 0, 0, 0] [1, 8, %[[R]]#2, 1, 16]
func.func @layer(%s: !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>, %k: tensor<1x8x1x16xf16>) -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3> {
  %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
  return %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
}
func.func @model(%k: tensor<1x8x1x16xf16>) -> tensor<1x8x?x1x16xf16> {
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
  %s1 = call @layer(%s0, %k) : (!moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>, tensor<1x8x1x16xf16>) -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3>
  %dk, %dv = moda.stream.entries %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 3> -> tensor<1x8x?x1x16xf16>, tensor<1x8x?x1x16xf16>
  return %dk : tensor<1x8x?x1x16xf16>
}

// -----

// A bounded stream (`window`, capacity 2): the third append writes slot
// 0 (size mod capacity), over the oldest entry; a read sees the most
// recent two (min(size, capacity) slots).

// CHECK-LABEL: func.func @window
// CHECK-SAME: (%[[K0:[^:]*]]: tensor<1x4x1x8xf32>, %[[K1:[^:]*]]: tensor<1x4x1x8xf32>, %[[K2:[^:]*]]: tensor<1x4x1x8xf32>)
// CHECK: %[[KB:.*]] = bufferization.alloc_tensor() : tensor<1x4x2x1x8xf32>
// CHECK: %[[KB1:.*]] = tensor.insert_slice %[[K0]] into %[[KB]][0, 0, 0, 0, 0]
// CHECK: %[[KB2:.*]] = tensor.insert_slice %[[K1]] into %[[KB1]][0, 0, 1, 0, 0]
// CHECK: %[[KB3:.*]] = tensor.insert_slice %[[K2]] into %[[KB2]][0, 0, 0, 0, 0]
// CHECK: tensor.extract_slice %[[KB3]][0, 0, 0, 0, 0] [1, 4, 2, 1, 8] [1, 1, 1, 1, 1] : tensor<1x4x2x1x8xf32> to tensor<1x4x2x1x8xf32>
// CHECK-NOT: cf.assert
func.func @window(%k0: tensor<1x4x1x8xf32>, %k1: tensor<1x4x1x8xf32>, %k2: tensor<1x4x1x8xf32>) -> tensor<1x4x2x1x8xf32> {
  %s0 = moda.stream.empty : !moda.depth_stream<1x4x1x8xf32, size = 0, capacity = 2, window>
  %s1 = moda.stream.append %s0, %k0, %k0 : !moda.depth_stream<1x4x1x8xf32, size = 0, capacity = 2, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = 1, capacity = 2, window>
  %s2 = moda.stream.append %s1, %k1, %k1 : !moda.depth_stream<1x4x1x8xf32, size = 1, capacity = 2, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = 2, capacity = 2, window>
  %s3 = moda.stream.append %s2, %k2, %k2 : !moda.depth_stream<1x4x1x8xf32, size = 2, capacity = 2, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = 3, capacity = 2, window>
  %dk, %dv = moda.stream.entries %s3 : !moda.depth_stream<1x4x1x8xf32, size = 3, capacity = 2, window> -> tensor<1x4x2x1x8xf32>, tensor<1x4x2x1x8xf32>
  return %dk : tensor<1x4x2x1x8xf32>
}

// -----

// A bounded stream in a loop: the slot is size mod capacity and a read sees
// min(size, capacity) entries; no fullness assert (the window never fills).

// CHECK-LABEL: func.func @window_layers
// CHECK: scf.for {{.*}} iter_args(%[[KS:[^ ]*]] = %{{[^,]*}}, %[[VS:[^ ]*]] = %{{[^,]*}}, %[[SIZE:[^ ]*]] = %{{[^,]*}},
// CHECK: %[[SEEN:.*]] = arith.minui %[[SIZE]], %c3
// CHECK: tensor.extract_slice %[[KS]][0, 0, 0, 0, 0] [1, 4, %[[SEEN]], 1, 8]
// CHECK-NOT: cf.assert
// CHECK: %[[SLOT:.*]] = arith.remui %[[SIZE]], %c3
// CHECK: tensor.insert_slice %{{.*}} into %[[KS]][0, 0, %[[SLOT]], 0, 0]
func.func @window_layers(%k: tensor<1x4x1x8xf32>, %n: index) -> tensor<1x4x?x1x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s0 = moda.stream.empty : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0, %acc = %k) -> (!moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>, tensor<1x4x1x8xf32>) {
    %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window> -> tensor<1x4x?x1x8xf32>, tensor<1x4x?x1x8xf32>
    %s1 = moda.stream.append %s, %acc, %acc : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>
    scf.yield %s1, %acc : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>, tensor<1x4x1x8xf32>
  }
  %dk, %dv = moda.stream.entries %r#0 : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window> -> tensor<1x4x?x1x8xf32>, tensor<1x4x?x1x8xf32>
  return %dk : tensor<1x4x?x1x8xf32>
}

// -----

// A static L read from a stream whose size is not static (the types are
// only compatible): the read asserts that the stream holds that many.

// CHECK-LABEL: func.func @static_read_of_dynamic_size
// CHECK-SAME: (%{{[^:]*}}: tensor<1x4x3x1x8xf32>, %{{[^:]*}}: tensor<1x4x3x1x8xf32>, %[[SIZE:[^:]*]]: index)
// CHECK: %[[OK:.*]] = arith.cmpi eq, %[[SIZE]], %c2
// CHECK: cf.assert %[[OK]], "moda.stream.entries: the stream holds another number of entries than the result type says"
// CHECK: tensor.extract_slice %{{.*}}[0, 0, 0, 0, 0] [1, 4, 2, 1, 8]
func.func @static_read_of_dynamic_size(%s: !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3>) -> tensor<1x4x2x1x8xf32> {
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3> -> tensor<1x4x2x1x8xf32>, tensor<1x4x2x1x8xf32>
  return %dk : tensor<1x4x2x1x8xf32>
}
