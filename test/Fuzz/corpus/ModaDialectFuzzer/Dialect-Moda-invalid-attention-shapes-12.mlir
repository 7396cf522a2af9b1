func.func @no_query_heads(%q: tensor<1x16x0x8xf16>, %k: tensor<1x16x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x0x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x0x8xf16>, tensor<1x0x16xf32>
  return
}
