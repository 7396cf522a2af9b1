// RUN: moda-opt %s | FileCheck %s
// RUN: moda-opt %s | moda-opt | FileCheck %s
// RUN: moda-opt %s --mlir-print-op-generic | moda-opt | FileCheck %s

// moda.attention over packed sequences (cu_seqlens offsets and a bound on
// their lengths) survives parse -> print -> parse, in every variant.

// CHECK-LABEL: func @packed_causal
// CHECK: moda.attention q(%{{.*}} : tensor<300x8x64xbf16>) kv(%{{.*}}, %{{.*}} : tensor<300x2x64xbf16>, tensor<300x2x64xbf16>) depth(%{{.*}}, %{{.*}} : tensor<300x3x2x64xbf16>, tensor<300x3x2x64xbf16>) packed(%{{.*}}, %{{.*}} : tensor<4xi32>) {causal} -> tensor<300x8x64xbf16>, tensor<8x300xf32>
func.func @packed_causal(%q: tensor<300x8x64xbf16>, %k: tensor<300x2x64xbf16>, %dk: tensor<300x3x2x64xbf16>, %cu: tensor<4xi32>, %max: index) -> tensor<8x300xf32> {
  %o, %l = moda.attention q(%q : tensor<300x8x64xbf16>) kv(%k, %k : tensor<300x2x64xbf16>, tensor<300x2x64xbf16>) depth(%dk, %dk : tensor<300x3x2x64xbf16>, tensor<300x3x2x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal} -> tensor<300x8x64xbf16>, tensor<8x300xf32>
  return %l : tensor<8x300xf32>
}

// CHECK-LABEL: func @packed_dynamic_chunk
// CHECK: moda.attention q(%{{.*}} : tensor<?x4x64xf16>) kv(%{{.*}}, %{{.*}} : tensor<?x4x64xf16>, tensor<?x4x64xf16>) depth(%{{.*}}, %{{.*}} : tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16>) packed(%{{.*}}, %{{.*}} : tensor<?xi32>) {chunk_size = 16 : i64, visibility = #moda.visibility<chunk>} -> tensor<?x4x64xf16>, tensor<4x?xf32>
func.func @packed_dynamic_chunk(%q: tensor<?x4x64xf16>, %dk: tensor<?x?x4x64xf16>, %cu: tensor<?xi32>, %max: index) -> tensor<4x?xf32> {
  %o, %l = moda.attention q(%q : tensor<?x4x64xf16>) kv(%q, %q : tensor<?x4x64xf16>, tensor<?x4x64xf16>) depth(%dk, %dk : tensor<?x?x4x64xf16>, tensor<?x?x4x64xf16>) packed(%cu, %max : tensor<?xi32>) {visibility = #moda.visibility<chunk>, chunk_size = 16} -> tensor<?x4x64xf16>, tensor<4x?xf32>
  return %l : tensor<4x?xf32>
}

// CHECK-LABEL: func @packed_depth_only
// CHECK: moda.attention q(%{{.*}} : tensor<41x4x32xf32>) depth(%{{.*}}, %{{.*}} : tensor<41x7x2x32xf32>, tensor<41x7x2x32xf32>) packed(%{{.*}}, %{{.*}} : tensor<3xi32>) {visibility = #moda.visibility<depth_only>} -> tensor<41x4x32xf32>, tensor<4x41xf32>
func.func @packed_depth_only(%q: tensor<41x4x32xf32>, %dk: tensor<41x7x2x32xf32>, %cu: tensor<3xi32>, %max: index) -> tensor<4x41xf32> {
  %o, %l = moda.attention q(%q : tensor<41x4x32xf32>) depth(%dk, %dk : tensor<41x7x2x32xf32>, tensor<41x7x2x32xf32>) packed(%cu, %max : tensor<3xi32>) {visibility = #moda.visibility<depth_only>} -> tensor<41x4x32xf32>, tensor<4x41xf32>
  return %l : tensor<4x41xf32>
}

// CHECK-LABEL: func @packed_grad
// CHECK: moda.attention_grad q(%{{.*}} : tensor<70x4x64xbf16>) kv(%{{.*}}, %{{.*}} : tensor<70x2x64xbf16>, tensor<70x2x64xbf16>) out(%{{.*}}, %{{.*}} : tensor<70x4x64xbf16>, tensor<4x70xf32>) d_out(%{{.*}} : tensor<70x4x64xbf16>) packed(%{{.*}}, %{{.*}} : tensor<3xi32>) {causal} -> dq(tensor<70x4x64xbf16>) dkv(tensor<70x2x64xbf16>, tensor<70x2x64xbf16>)
func.func @packed_grad(%q: tensor<70x4x64xbf16>, %k: tensor<70x2x64xbf16>, %lse: tensor<4x70xf32>, %cu: tensor<3xi32>, %max: index) -> tensor<70x4x64xbf16> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<70x4x64xbf16>) kv(%k, %k : tensor<70x2x64xbf16>, tensor<70x2x64xbf16>) out(%q, %lse : tensor<70x4x64xbf16>, tensor<4x70xf32>) d_out(%q : tensor<70x4x64xbf16>) packed(%cu, %max : tensor<3xi32>) {causal} -> dq(tensor<70x4x64xbf16>) dkv(tensor<70x2x64xbf16>, tensor<70x2x64xbf16>)
  return %dq : tensor<70x4x64xbf16>
}
