func.func @causal(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>, %dk: tensor<1x40x3x1x64xbf16>) -> tensor<1x40x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dk : tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>) {causal, strided, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  return %o : tensor<1x40x2x64xbf16>
}
