func.func @config_not_aligned_with_group(%q: tensor<1x16x8x8xf16>, %k: tensor<1x16x1x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x8x8xf16>) kv(%k, %k : tensor<1x16x1x8xf16>, tensor<1x16x1x8xf16>) {config = #moda.config<block_m = 36, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">} -> tensor<1x16x8x8xf16>, tensor<1x8x16xf32>
  return
}
