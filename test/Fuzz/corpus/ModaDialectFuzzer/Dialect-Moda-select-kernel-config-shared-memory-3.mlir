func.func @backward_too_large(%q: tensor<1x16x4x256xf32>, %k: tensor<1x16x2x256xf32>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x256xf32> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x256xf32>) kv(%k, %k : tensor<1x16x2x256xf32>, tensor<1x16x2x256xf32>) out(%q, %lse : tensor<1x16x4x256xf32>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x256xf32>) {config = #moda.config<block_m = 64, block_n = 128, block_depth = 32, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x16x4x256xf32>) dkv(tensor<1x16x2x256xf32>, tensor<1x16x2x256xf32>)
  return %dq : tensor<1x16x4x256xf32>
}
