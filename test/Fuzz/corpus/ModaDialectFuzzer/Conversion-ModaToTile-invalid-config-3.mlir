func.func @narrow_heads(%q: tensor<1x16x4x4xbf16>, %k: tensor<1x16x2x4xbf16>) -> tensor<1x16x4x4xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x4xbf16>) kv(%k, %k : tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x4x4xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x4xbf16>
}
