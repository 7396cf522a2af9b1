// RUN: moda-opt %moda_src_root/examples/model4.mlir -canonicalize -moda-select-kernel-config | FileCheck %s

// The bundled 4-layer model graph: layer 0 reads an empty stream and becomes
// plain attention; layers 1-3 read 2, 4 and 6 depth entries; the last layer's
// appends are dead and disappear.

// CHECK-LABEL: func.func @model
// CHECK: %[[S0:.*]] = moda.stream.empty : <1x200x2x64xbf16, size = 0, capacity = 8>
// CHECK: %[[O0:.*]], %{{.*}} = moda.attention q(%{{.*}} : tensor<1x200x8x64xbf16>) kv({{[^)]*}}) {causal, config = #moda.config<{{.*}}>, moda.config_source = "heuristic"}
// CHECK: moda.stream.entries {{.*}} -> tensor<1x200x2x2x64xbf16>
// CHECK: %[[O1:.*]], %{{.*}} = moda.attention q(%[[O0]] : {{.*}}) kv({{.*}}) depth({{.*}} : tensor<1x200x2x2x64xbf16>, tensor<1x200x2x2x64xbf16>)
// CHECK: moda.stream.entries {{.*}} -> tensor<1x200x4x2x64xbf16>
// CHECK: %[[O2:.*]], %{{.*}} = moda.attention q(%[[O1]] : {{.*}}) {{.*}} depth({{.*}} : tensor<1x200x4x2x64xbf16>, tensor<1x200x4x2x64xbf16>)
// CHECK: moda.stream.entries {{.*}} -> tensor<1x200x6x2x64xbf16>
// CHECK: %[[O3:.*]], %[[L3:.*]] = moda.attention q(%[[O2]] : {{.*}}) {{.*}} depth({{.*}} : tensor<1x200x6x2x64xbf16>, tensor<1x200x6x2x64xbf16>)
// CHECK-NOT: moda.stream.append
// CHECK: return %[[O3]], %[[L3]]
