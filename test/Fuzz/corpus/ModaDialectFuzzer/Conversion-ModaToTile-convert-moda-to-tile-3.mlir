func.func @slice_operand(%q: tensor<1x9x1x32xf32>, %buffer: tensor<1x9x4x1x32xf32>) -> tensor<1x9x1x32xf32> {
  %dk = tensor.extract_slice %buffer[0, 0, 0, 0, 0] [1, 9, 2, 1, 32] [1, 1, 1, 1, 1] : tensor<1x9x4x1x32xf32> to tensor<1x9x2x1x32xf32>
  %o, %l = moda.attention q(%q : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x9x1x32xf32>, tensor<1x1x9xf32>
  return %o : tensor<1x9x1x32xf32>
}
