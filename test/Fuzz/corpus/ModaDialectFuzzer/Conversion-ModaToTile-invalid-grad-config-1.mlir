func.func @narrow_heads(%q: tensor<1x16x4x4xbf16>, %k: tensor<1x16x2x4xbf16>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x4xbf16> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x4xbf16>) kv(%k, %k : tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>) out(%q, %lse : tensor<1x16x4x4xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x4xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x16x4x4xbf16>) dkv(tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>)
  return %dq : tensor<1x16x4x4xbf16>
}
