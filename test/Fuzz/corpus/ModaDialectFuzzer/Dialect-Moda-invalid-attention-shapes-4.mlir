func.func @k_rank(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x8xf16>, tensor<1x16x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
