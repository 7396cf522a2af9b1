// RUN: moda-opt %s -moda-select-kernel-config -convert-moda-to-tile -verify-diagnostics

// No configuration of the space fits a head dimension that 16-byte loads
// cannot tile: the heuristics still attach their preferred one, and the
// lowering names the rule it breaks.

func.func @narrow_heads(%q: tensor<1x16x4x4xbf16>, %k: tensor<1x16x2x4xbf16>) -> tensor<1x16x4x4xbf16> {
  // expected-error @+1 {{head dim D = 4 must be a multiple of 8 for 16-byte loads of 'bf16'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x4xbf16>) kv(%k, %k : tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>) -> tensor<1x16x4x4xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x4xbf16>
}
