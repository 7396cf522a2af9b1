func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> (tensor<70x2x64xbf16>, tensor<2x70xf32>) {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o, %l : tensor<70x2x64xbf16>, tensor<2x70xf32>
}
