func.func @attention(%q: tensor<?x100x8x64xbf16>, %k: tensor<?x100x2x64xbf16>, %dk: tensor<?x100x3x2x64xbf16>) -> (tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>) {
  %o, %l = moda.attention q(%q : tensor<?x100x8x64xbf16>) kv(%k, %k : tensor<?x100x2x64xbf16>, tensor<?x100x2x64xbf16>) depth(%dk, %dk : tensor<?x100x3x2x64xbf16>, tensor<?x100x3x2x64xbf16>) {causal, config = #moda.config<block_m = 128, block_n = 64, block_depth = 32, num_warps = 8, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
  return %o, %l : tensor<?x100x8x64xbf16>, tensor<?x8x100xf32>
}
