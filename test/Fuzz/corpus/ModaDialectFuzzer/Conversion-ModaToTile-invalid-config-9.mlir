func.func @mma_tile_multiple(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %dk: tensor<1x16x4x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) depth(%dk, %dk : tensor<1x16x4x2x64xbf16>, tensor<1x16x4x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 40, block_depth = 32, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}
