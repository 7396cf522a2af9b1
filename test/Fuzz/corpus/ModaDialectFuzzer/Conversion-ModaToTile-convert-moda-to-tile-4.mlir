func.func @carried_operand(%q: tensor<1x9x1x32xf32>, %dk: tensor<1x9x2x1x32xf32>, %n: index) -> tensor<1x9x1x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%h = %q) -> (tensor<1x9x1x32xf32>) {
    %o, %l = moda.attention q(%h : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x9x1x32xf32>, tensor<1x1x9xf32>
    scf.yield %o : tensor<1x9x1x32xf32>
  }
  return %r : tensor<1x9x1x32xf32>
}
