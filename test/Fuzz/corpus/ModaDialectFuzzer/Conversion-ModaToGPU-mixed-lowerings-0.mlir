func.func @mixed(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>) -> tensor<1x40x2x64xbf16> {
  %o0, %l0 = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  %o1, %l1 = moda.attention q(%o0 : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a", lowering = tile>} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  %o2, %l2 = moda.attention q(%o1 : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  return %o2 : tensor<1x40x2x64xbf16>
}
