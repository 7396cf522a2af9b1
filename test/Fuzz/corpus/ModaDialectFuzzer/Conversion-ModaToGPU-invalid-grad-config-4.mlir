func.func @wgmma_dq_registers(%q: tensor<1x16x4x128xbf16>, %k: tensor<1x16x2x128xbf16>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x128xbf16> {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x128xbf16>) kv(%k, %k : tensor<1x16x2x128xbf16>, tensor<1x16x2x128xbf16>) out(%q, %lse : tensor<1x16x4x128xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x128xbf16>) {config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<1x16x4x128xbf16>) dkv(tensor<1x16x2x128xbf16>, tensor<1x16x2x128xbf16>)
  return %dq : tensor<1x16x4x128xbf16>
}
