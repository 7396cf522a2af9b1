func.func @odd_group_f32(%q: tensor<1x10x3x32xf32>, %k: tensor<1x10x1x32xf32>, %dk: tensor<1x10x7x1x32xf32>) -> tensor<1x10x3x32xf32> {
  %o, %l = moda.attention q(%q : tensor<1x10x3x32xf32>) kv(%k, %k : tensor<1x10x1x32xf32>, tensor<1x10x1x32xf32>) depth(%dk, %dk : tensor<1x10x7x1x32xf32>, tensor<1x10x7x1x32xf32>) -> tensor<1x10x3x32xf32>, tensor<1x3x10xf32>
  return %o : tensor<1x10x3x32xf32>
}
