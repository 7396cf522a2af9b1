func.func @wgmma_f32_operands(%q: tensor<1x16x4x64xf32>, %k: tensor<1x16x2x64xf32>) -> tensor<1x16x4x64xf32> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xf32>) kv(%k, %k : tensor<1x16x2x64xf32>, tensor<1x16x2x64xf32>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xf32>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xf32>
}
