func.func @k_batch(%q: tensor<2x16x4x8xf16>, %k: tensor<3x16x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<2x16x4x8xf16>) kv(%k, %k : tensor<3x16x2x8xf16>, tensor<3x16x2x8xf16>) -> tensor<2x16x4x8xf16>, tensor<2x4x16xf32>
  return
}
