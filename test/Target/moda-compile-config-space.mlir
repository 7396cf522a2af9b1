// RUN: moda-compile %s --print-config-space | tr -d ' \n' | FileCheck %s

// The tuner's space holds every configuration the rules accept whose
// kernels' shared tiles fit, measured on the operator's own tile programs:
// three stages of 128-row tiles with wgmma fit (the removed builders'
// formula refused them), and the heuristic keeps two stages.

// CHECK: "heuristic":{"block_depth":128,"block_m":128,"block_n":128,"mma":"wgmma","num_stages":2,"num_warps":8}
// CHECK-SAME: {"block_depth":128,"block_m":128,"block_n":64,"mma":"wgmma","num_stages":3,"num_warps":8}
// CHECK-SAME: {"block_depth":128,"block_m":128,"block_n":128,"mma":"wgmma","num_stages":3,"num_warps":8}
func.func @deep(%q: tensor<1x100x16x64xbf16>, %k: tensor<1x100x2x64xbf16>, %dk: tensor<1x100x64x2x64xbf16>) -> tensor<1x100x16x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x16x64xbf16>) kv(%k, %k : tensor<1x100x2x64xbf16>, tensor<1x100x2x64xbf16>) depth(%dk, %dk : tensor<1x100x64x2x64xbf16>, tensor<1x100x64x2x64xbf16>) {causal} -> tensor<1x100x16x64xbf16>, tensor<1x16x100xf32>
  return %o : tensor<1x100x16x64xbf16>
}
