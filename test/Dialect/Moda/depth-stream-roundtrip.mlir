// RUN: moda-opt %s | FileCheck %s
// RUN: moda-opt %s | moda-opt | FileCheck %s
// RUN: moda-opt %s --mlir-print-op-generic | moda-opt | FileCheck %s
// RUN: moda-opt %s --emit-bytecode | moda-opt | FileCheck %s

// CHECK-LABEL: func @stream
// CHECK-SAME: (%[[B:.*]]: index, %[[T:.*]]: index, %[[K:.*]]: tensor<?x?x2x64xbf16>)
// CHECK: %[[S0:.*]] = moda.stream.empty(%[[B]], %[[T]]) : <?x?x2x64xbf16, size = 0, capacity = 4>
// CHECK: %[[S1:.*]] = moda.stream.append %[[S0]], %[[K]], %[[K]] : <?x?x2x64xbf16, size = 0, capacity = 4>, tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16> -> <?x?x2x64xbf16, size = 1, capacity = 4>
// CHECK: %[[DK:.*]], %[[DV:.*]] = moda.stream.entries %[[S1]] : <?x?x2x64xbf16, size = 1, capacity = 4> -> tensor<?x?x1x2x64xbf16>, tensor<?x?x1x2x64xbf16>
func.func @stream(%b: index, %t: index, %k: tensor<?x?x2x64xbf16>) -> tensor<?x?x1x2x64xbf16> {
  %s0 = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x64xbf16, size = 0, capacity = 4>
  %s1 = moda.stream.append %s0, %k, %k : !moda.depth_stream<?x?x2x64xbf16, size = 0, capacity = 4>, tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16> -> !moda.depth_stream<?x?x2x64xbf16, size = 1, capacity = 4>
  %dk, %dv = moda.stream.entries %s1 : !moda.depth_stream<?x?x2x64xbf16, size = 1, capacity = 4> -> tensor<?x?x1x2x64xbf16>, tensor<?x?x1x2x64xbf16>
  return %dk : tensor<?x?x1x2x64xbf16>
}

// A stream carried through a loop over layers has a dynamic size.
// CHECK-LABEL: func @dynamic_size
// CHECK-SAME: !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>
// CHECK: moda.stream.append {{.*}} -> <1x16x2x8xf32, size = ?, capacity = 8>
// CHECK: moda.stream.entries {{.*}} -> tensor<1x16x?x2x8xf32>, tensor<1x16x?x2x8xf32>
func.func @dynamic_size(%s: !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>, %k: tensor<1x16x2x8xf32>) -> tensor<1x16x?x2x8xf32> {
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>, tensor<1x16x2x8xf32>, tensor<1x16x2x8xf32> -> !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>
  %dk, %dv = moda.stream.entries %t : !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8> -> tensor<1x16x?x2x8xf32>, tensor<1x16x?x2x8xf32>
  return %dk : tensor<1x16x?x2x8xf32>
}

// A bounded stream (`window`): its size counts every append and passes the
// capacity; a read sees the most recent `capacity` entries.
// CHECK-LABEL: func @window
// CHECK-SAME: !moda.depth_stream<1x16x2x8xf32, size = 4, capacity = 4, window>
// CHECK: moda.stream.append {{.*}} -> <1x16x2x8xf32, size = 5, capacity = 4, window>
// CHECK: moda.stream.entries {{.*}} : <1x16x2x8xf32, size = 5, capacity = 4, window> -> tensor<1x16x4x2x8xf32>, tensor<1x16x4x2x8xf32>
func.func @window(%s: !moda.depth_stream<1x16x2x8xf32, size = 4, capacity = 4, window>, %k: tensor<1x16x2x8xf32>) -> tensor<1x16x4x2x8xf32> {
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf32, size = 4, capacity = 4, window>, tensor<1x16x2x8xf32>, tensor<1x16x2x8xf32> -> !moda.depth_stream<1x16x2x8xf32, size = 5, capacity = 4, window>
  %dk, %dv = moda.stream.entries %t : !moda.depth_stream<1x16x2x8xf32, size = 5, capacity = 4, window> -> tensor<1x16x4x2x8xf32>, tensor<1x16x4x2x8xf32>
  return %dk : tensor<1x16x4x2x8xf32>
}
