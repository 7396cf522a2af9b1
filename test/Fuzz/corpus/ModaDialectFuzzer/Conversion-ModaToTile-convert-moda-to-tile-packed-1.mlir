func.func @packed_depth_only(%q: tensor<41x4x32xf32>, %dk: tensor<41x7x2x32xf32>, %cu: tensor<3xi32>, %max: index) -> tensor<4x41xf32> {
  %o, %l = moda.attention q(%q : tensor<41x4x32xf32>) depth(%dk, %dk : tensor<41x7x2x32xf32>, tensor<41x7x2x32xf32>) packed(%cu, %max : tensor<3xi32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<41x4x32xf32>, tensor<4x41xf32>
  return %l : tensor<4x41xf32>
}
