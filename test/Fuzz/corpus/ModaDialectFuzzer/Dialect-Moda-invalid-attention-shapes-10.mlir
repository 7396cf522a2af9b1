func.func @heads_not_grouped(%q: tensor<1x16x6x8xf16>, %k: tensor<1x16x4x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x6x8xf16>) kv(%k, %k : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>) -> tensor<1x16x6x8xf16>, tensor<1x6x16xf32>
  return
}
