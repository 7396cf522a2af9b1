func.func @forward(%q: tensor<1x10x2x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x2x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) -> tensor<1x10x2x64xbf16>, tensor<1x2x10xf32>
  %o2, %l2 = moda.attention q(%o : tensor<1x10x2x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a", lowering = tile>} -> tensor<1x10x2x64xbf16>, tensor<1x2x10xf32>
  return %o2 : tensor<1x10x2x64xbf16>
}
