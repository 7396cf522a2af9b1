// RUN: not moda-cpu-check --input %s --whole-graph 2>&1 | FileCheck %s

// A linalg body op the float64 interpretation does not compute is named,
// never skipped.

// CHECK: FAIL graph @graph
// CHECK-SAME: not math.sin
#id = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
func.func @graph(%q: tensor<1x19x2x64xbf16>, %k: tensor<1x19x1x64xbf16>) -> tensor<1x19x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x19x2x64xbf16>) kv(%k, %k : tensor<1x19x1x64xbf16>, tensor<1x19x1x64xbf16>) {causal} -> tensor<1x19x2x64xbf16>, tensor<1x2x19xf32>
  %e = tensor.empty() : tensor<1x19x2x64xbf16>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%o : tensor<1x19x2x64xbf16>) outs(%e : tensor<1x19x2x64xbf16>) {
  ^bb0(%a: bf16, %b: bf16):
    %x = arith.extf %a : bf16 to f32
    %y = math.sin %x : f32
    %t = arith.truncf %y : f32 to bf16
    linalg.yield %t : bf16
  } -> tensor<1x19x2x64xbf16>
  return %s : tensor<1x19x2x64xbf16>
}
