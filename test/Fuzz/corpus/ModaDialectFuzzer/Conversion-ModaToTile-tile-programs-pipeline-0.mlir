func.func @attention(%q: tensor<1x100x16x64xbf16>, %k: tensor<1x100x2x64xbf16>) -> tensor<1x100x16x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x16x64xbf16>) kv(%k, %k : tensor<1x100x2x64xbf16>, tensor<1x100x2x64xbf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x100x16x64xbf16>, tensor<1x16x100xf32>
  return %o : tensor<1x100x16x64xbf16>
}
