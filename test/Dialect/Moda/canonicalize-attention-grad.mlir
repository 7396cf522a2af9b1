// RUN: moda-opt %s -canonicalize | FileCheck %s

// The gradient of an attention with L == 0 depth entries: plain attention's
// gradient, and zero-sized depth gradients.

// CHECK-LABEL: func @drops_empty_depth
// CHECK-SAME: %[[Q:[^:]*]]: tensor<?x16x4x8xbf16>, %{{[^:]*}}: tensor<?x16x2x8xbf16>, %[[DEPTH:[^:]*]]: tensor<?x16x0x2x8xbf16>
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK: %[[DQ:.*]], %[[DK:.*]], %[[DV:.*]] = moda.attention_grad q(%[[Q]] : tensor<?x16x4x8xbf16>) kv({{.*}}) out({{.*}}) d_out({{.*}}) {causal} -> dq(tensor<?x16x4x8xbf16>) dkv(tensor<?x16x2x8xbf16>, tensor<?x16x2x8xbf16>){{$}}
// CHECK: %[[B:.*]] = tensor.dim %[[DEPTH]], %[[C0]]
// CHECK: %[[E:.*]] = tensor.empty(%[[B]]) : tensor<?x16x0x2x8xbf16>
// CHECK: return %[[DQ]], %[[DV]], %[[E]]
func.func @drops_empty_depth(%q: tensor<?x16x4x8xbf16>, %k: tensor<?x16x2x8xbf16>, %dk: tensor<?x16x0x2x8xbf16>, %lse: tensor<?x4x16xf32>) -> (tensor<?x16x4x8xbf16>, tensor<?x16x2x8xbf16>, tensor<?x16x0x2x8xbf16>) {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x16x4x8xbf16>) kv(%k, %k : tensor<?x16x2x8xbf16>, tensor<?x16x2x8xbf16>) depth(%dk, %dk : tensor<?x16x0x2x8xbf16>, tensor<?x16x0x2x8xbf16>) out(%q, %lse : tensor<?x16x4x8xbf16>, tensor<?x4x16xf32>) d_out(%q : tensor<?x16x4x8xbf16>) {causal} -> dq(tensor<?x16x4x8xbf16>) dkv(tensor<?x16x2x8xbf16>, tensor<?x16x2x8xbf16>) d_depth(tensor<?x16x0x2x8xbf16>, tensor<?x16x0x2x8xbf16>)
  return %dq, %gv, %gdk : tensor<?x16x4x8xbf16>, tensor<?x16x2x8xbf16>, tensor<?x16x0x2x8xbf16>
}
