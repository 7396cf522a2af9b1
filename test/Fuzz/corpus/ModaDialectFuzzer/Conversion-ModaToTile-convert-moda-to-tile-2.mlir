func.func @chunk(%q: tensor<2x33x4x64xf16>, %k: tensor<2x33x1x64xf16>, %dk: tensor<2x33x1x1x64xf16>) -> tensor<2x33x4x64xf16> {
  %o, %l = moda.attention q(%q : tensor<2x33x4x64xf16>) kv(%k, %k : tensor<2x33x1x64xf16>, tensor<2x33x1x64xf16>) depth(%dk, %dk : tensor<2x33x1x1x64xf16>, tensor<2x33x1x1x64xf16>) {visibility = #moda.visibility<chunk>, chunk_size = 5, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x33x4x64xf16>, tensor<2x4x33xf32>
  return %o : tensor<2x33x4x64xf16>
}
