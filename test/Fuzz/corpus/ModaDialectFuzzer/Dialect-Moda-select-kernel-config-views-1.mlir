func.func @pinned_views(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {strided, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>
  return %o : tensor<1x10x8x64xbf16>
}
