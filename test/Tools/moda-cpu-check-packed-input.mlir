// RUN: not moda-cpu-check --input %s 2>&1 | FileCheck %s

// A user's packed operator cannot be checked on its own: its sequence
// lengths are runtime values (the offsets). The tool says so and where the
// packed cases it does check are.

// CHECK: error: cannot be checked on the CPU: a packed operator's sequence lengths are runtime values (its cu_seqlens); the CPU check runs packed cases from its built-in matrix
func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> tensor<70x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o : tensor<70x2x64xbf16>
}
