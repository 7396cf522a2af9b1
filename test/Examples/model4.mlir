// RUN: moda-opt %moda_src_root/examples/model4.mlir -canonicalize -moda-select-kernel-config | FileCheck %s

// The bundled 4-layer model graph (utils/make-model-graph.py): layer 0 reads
// an empty stream and becomes plain attention; layers 1-3 read 2, 4 and 6
// depth entries, each appended by the layer before (its attention k/v, then
// its FFN input's KV projection); the last layer's appends are dead and
// disappear. Every attention gets a configuration; the projections, norms
// and FFN stay linalg ops.

// CHECK-LABEL: func.func @model
// CHECK: %[[S0:.*]] = moda.stream.empty : <1x200x1x64xbf16, size = 0, capacity = 8>
// CHECK: linalg.matmul
// CHECK: moda.attention q(%{{.*}} : tensor<1x200x4x64xbf16>) kv({{[^)]*}}) {causal, config = #moda.config<{{.*}}>, moda.config_source = "heuristic"}
// CHECK: linalg.generic
// CHECK: %[[A0:.*]] = moda.stream.append %[[S0]], {{.*}} -> <1x200x1x64xbf16, size = 1, capacity = 8>
// CHECK: %[[S1:.*]] = moda.stream.append %[[A0]], {{.*}} -> <1x200x1x64xbf16, size = 2, capacity = 8>
// CHECK: moda.stream.entries %[[S1]] {{.*}} -> tensor<1x200x2x1x64xbf16>
// CHECK: moda.attention {{.*}} depth({{.*}} : tensor<1x200x2x1x64xbf16>, tensor<1x200x2x1x64xbf16>) {causal, config
// CHECK: moda.stream.entries {{.*}} -> tensor<1x200x4x1x64xbf16>
// CHECK: moda.attention {{.*}} depth({{.*}} : tensor<1x200x4x1x64xbf16>, tensor<1x200x4x1x64xbf16>) {causal, config
// CHECK: moda.stream.entries {{.*}} -> tensor<1x200x6x1x64xbf16>
// CHECK: moda.attention {{.*}} depth({{.*}} : tensor<1x200x6x1x64xbf16>, tensor<1x200x6x1x64xbf16>) {causal, config
// CHECK-NOT: moda.stream.append
// CHECK: return %{{.*}} : tensor<1x200x256xf32>
