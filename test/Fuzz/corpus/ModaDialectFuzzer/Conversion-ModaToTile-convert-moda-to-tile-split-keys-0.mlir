func.func @decode(%q: tensor<?x1x8x64xbf16>, %k: tensor<?x300x2x64xbf16>, %dk: tensor<?x1x3x2x64xbf16>) -> tensor<?x1x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<?x1x8x64xbf16>) kv(%k, %k : tensor<?x300x2x64xbf16>, tensor<?x300x2x64xbf16>) depth(%dk, %dk : tensor<?x1x3x2x64xbf16>, tensor<?x1x3x2x64xbf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 3>} -> tensor<?x1x8x64xbf16>, tensor<?x8x1xf32>
  return %o : tensor<?x1x8x64xbf16>
}
