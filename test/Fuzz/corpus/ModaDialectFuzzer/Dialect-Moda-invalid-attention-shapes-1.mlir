func.func @q_element_type(%q: tensor<1x16x4x8xf64>, %k: tensor<1x16x2x8xf64>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf64>) kv(%k, %k : tensor<1x16x2x8xf64>, tensor<1x16x2x8xf64>) -> tensor<1x16x4x8xf64>, tensor<1x4x16xf32>
  return
}
