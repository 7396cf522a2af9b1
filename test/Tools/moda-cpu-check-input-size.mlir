// RUN: not moda-cpu-check --input %s 2>&1 | FileCheck %s

// A case too large for the host is refused with its reason before anything
// is allocated (T = 2^31: 2^38 query elements).

// CHECK: error: cannot be checked on the CPU: a tensor has more than 268435456 elements, too many for the CPU check
func.func @huge(%q: tensor<1x2147483648x2x64xbf16>, %k: tensor<1x2147483648x2x64xbf16>) -> tensor<1x2147483648x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x2147483648x2x64xbf16>) kv(%k, %k : tensor<1x2147483648x2x64xbf16>, tensor<1x2147483648x2x64xbf16>) {causal} -> tensor<1x2147483648x2x64xbf16>, tensor<1x2x2147483648xf32>
  return %o : tensor<1x2147483648x2x64xbf16>
}
