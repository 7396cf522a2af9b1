func.func @train(%q: tensor<2x33x2x64xbf16>, %k: tensor<2x33x1x64xbf16>, %do: tensor<2x33x2x64xbf16>)
    -> (tensor<2x33x2x64xbf16>, tensor<2x33x1x64xbf16>) {
  %o, %lse = moda.attention q(%q : tensor<2x33x2x64xbf16>) kv(%k, %k : tensor<2x33x1x64xbf16>, tensor<2x33x1x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x33x2x64xbf16>, tensor<2x2x33xf32>
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<2x33x2x64xbf16>)
      kv(%k, %k : tensor<2x33x1x64xbf16>, tensor<2x33x1x64xbf16>)
      out(%o, %lse : tensor<2x33x2x64xbf16>, tensor<2x2x33xf32>)
      d_out(%do : tensor<2x33x2x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<2x33x2x64xbf16>) dkv(tensor<2x33x1x64xbf16>, tensor<2x33x1x64xbf16>)
  return %dq, %dk : tensor<2x33x2x64xbf16>, tensor<2x33x1x64xbf16>
}
