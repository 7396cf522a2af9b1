// RUN: moda-opt %moda_src_root/examples/model4.mlir --moda-to-host-llvm | FileCheck %s
// RUN: moda-opt %moda_src_root/examples/model4.mlir -moda-buffer-depth-streams -canonicalize | FileCheck %s --check-prefix=BUFFERED

// The bundled 4-layer model graph on the CPU path: the depth stream becomes
// one buffer (moda-buffer-depth-streams, the pipelines' first stage), so the
// whole graph, stream, projections, norms and FFN included, lowers to the
// LLVM dialect.

// CHECK-NOT: moda.stream
// CHECK-NOT: = moda.attention
// CHECK-NOT: linalg.
// CHECK-NOT: unrealized_conversion_cast
// CHECK: llvm.func @model(
// CHECK-NOT: moda.stream
// CHECK-NOT: = moda.attention
// CHECK-NOT: linalg.
// CHECK-NOT: unrealized_conversion_cast

// Two [1, 200, 8, 1, 64] buffers (capacity 8), allocated once; each layer
// reads slots [0, 2l) and appends its two entries at slots 2l and 2l + 1.
// BUFFERED-LABEL: func.func @model
// BUFFERED-COUNT-2: bufferization.alloc_tensor() : tensor<1x200x8x1x64xbf16>
// BUFFERED: moda.attention q(%{{.*}}) kv({{[^)]*}}) {causal}
// BUFFERED: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 0, 0, 0] [1, 200, 1, 1, 64]
// BUFFERED: tensor.insert_slice %{{.*}} into %{{.*}}[0, 0, 1, 0, 0] [1, 200, 1, 1, 64]
// BUFFERED: tensor.extract_slice %{{.*}}[0, 0, 0, 0, 0] [1, 200, 2, 1, 64] [1, 1, 1, 1, 1] : tensor<1x200x8x1x64xbf16> to tensor<1x200x2x1x64xbf16>
// BUFFERED: moda.attention {{.*}} depth({{.*}} : tensor<1x200x2x1x64xbf16>, tensor<1x200x2x1x64xbf16>)
// BUFFERED: tensor.extract_slice %{{.*}}[0, 0, 0, 0, 0] [1, 200, 6, 1, 64]
// BUFFERED: moda.attention {{.*}} depth({{.*}} : tensor<1x200x6x1x64xbf16>, tensor<1x200x6x1x64xbf16>)
// BUFFERED-NOT: moda.stream
