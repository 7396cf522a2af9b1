func.func @wide_f32_deep(%q: tensor<1x16x2x768xf32>, %k: tensor<1x16x2x768xf32>, %dk: tensor<1x16x64x2x768xf32>) -> tensor<1x16x2x768xf32> {
  %o, %l = moda.attention q(%q : tensor<1x16x2x768xf32>) kv(%k, %k : tensor<1x16x2x768xf32>, tensor<1x16x2x768xf32>) depth(%dk, %dk : tensor<1x16x64x2x768xf32>, tensor<1x16x64x2x768xf32>) {causal} -> tensor<1x16x2x768xf32>, tensor<1x2x16xf32>
  return %o : tensor<1x16x2x768xf32>
}
