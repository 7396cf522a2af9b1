#split = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 2>

func.func @backward(%q: tensor<1x8x4x64xbf16>, %k: tensor<1x8x2x64xbf16>, %lse: tensor<1x4x8xf32>) {
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x8x4x64xbf16>) kv(%k, %k : tensor<1x8x2x64xbf16>, tensor<1x8x2x64xbf16>) out(%q, %lse : tensor<1x8x4x64xbf16>, tensor<1x4x8xf32>) d_out(%q : tensor<1x8x4x64xbf16>) {causal, config = #split} -> dq(tensor<1x8x4x64xbf16>) dkv(tensor<1x8x2x64xbf16>, tensor<1x8x2x64xbf16>)
  return
}
