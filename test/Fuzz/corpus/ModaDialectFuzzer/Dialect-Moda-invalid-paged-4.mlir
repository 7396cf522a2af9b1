func.func @tiles_straddle_pages(%q: tensor<2x1x4x64xbf16>, %k: tensor<8x96x2x64xbf16>, %t: tensor<2x4xi32>, %s: index) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<8x96x2x64xbf16>, tensor<8x96x2x64xbf16>) paged(%t, %s : tensor<2x4xi32>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 3, mma = wgmma, target = "sm_90a">} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return
}
