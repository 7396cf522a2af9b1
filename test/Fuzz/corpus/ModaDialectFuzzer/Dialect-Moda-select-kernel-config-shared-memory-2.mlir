func.func @forward_too_large(%q: tensor<1x16x4x256xf32>, %k: tensor<1x16x2x256xf32>) -> tensor<1x16x4x256xf32> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x256xf32>) kv(%k, %k : tensor<1x16x2x256xf32>, tensor<1x16x2x256xf32>) {config = #moda.config<block_m = 64, block_n = 256, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x4x256xf32>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x256xf32>
}
