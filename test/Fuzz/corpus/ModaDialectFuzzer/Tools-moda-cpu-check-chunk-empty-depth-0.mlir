func.func @chunk_empty_depth(%q: tensor<1x45x4x32xf32>, %k: tensor<1x45x2x32xf32>, %dk: tensor<1x45x0x2x32xf32>) -> (tensor<1x45x4x32xf32>, tensor<1x45x4x32xf32>) {
  %o, %l = moda.attention q(%q : tensor<1x45x4x32xf32>) kv(%k, %k : tensor<1x45x2x32xf32>, tensor<1x45x2x32xf32>) depth(%dk, %dk : tensor<1x45x0x2x32xf32>, tensor<1x45x0x2x32xf32>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16} -> tensor<1x45x4x32xf32>, tensor<1x4x45xf32>
  %o2, %l2 = moda.attention q(%q : tensor<1x45x4x32xf32>) kv(%k, %k : tensor<1x45x2x32xf32>, tensor<1x45x2x32xf32>) depth(%dk, %dk : tensor<1x45x0x2x32xf32>, tensor<1x45x0x2x32xf32>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x45x4x32xf32>, tensor<1x4x45xf32>
  return %o, %o2 : tensor<1x45x4x32xf32>, tensor<1x45x4x32xf32>
}
