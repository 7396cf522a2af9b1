func.func @paged_views(%q: tensor<2x1x4x64xbf16>, %k: tensor<?x64x2x64xbf16>, %t: tensor<2x5xi32>, %s: index) -> (tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>) paged(%t, %s : tensor<2x5xi32>) {causal, strided, config = #moda.config<block_m = 16, block_n = 32, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return %o, %l : tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
}
