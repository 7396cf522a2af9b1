func.func @depth_only(%q: tensor<1x9x1x32xf32>, %dk: tensor<1x9x2x1x32xf32>, %o: tensor<1x9x1x32xf32>, %lse: tensor<1x1x9xf32>) -> tensor<1x9x1x32xf32> {
  %dq, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) out(%o, %lse : tensor<1x9x1x32xf32>, tensor<1x1x9xf32>) d_out(%o : tensor<1x9x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x9x1x32xf32>) d_depth(tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>)
  return %dq : tensor<1x9x1x32xf32>
}
