func.func @empty_heads(%q: tensor<1x16x2x0xf16>, %k: tensor<1x16x2x0xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x2x0xf16>) kv(%k, %k : tensor<1x16x2x0xf16>, tensor<1x16x2x0xf16>) -> tensor<1x16x2x0xf16>, tensor<1x2x16xf32>
  return
}
