func.func @head_too_wide(%q: tensor<1x16x2x4160xf16>, %k: tensor<1x16x2x4160xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x2x4160xf16>) kv(%k, %k : tensor<1x16x2x4160xf16>, tensor<1x16x2x4160xf16>) -> tensor<1x16x2x4160xf16>, tensor<1x2x16xf32>
  return
}
