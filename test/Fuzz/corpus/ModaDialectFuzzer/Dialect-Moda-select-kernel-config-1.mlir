func.func @wide_heads_no_depth(%q: tensor<1x100x4x128xf16>, %k: tensor<1x100x2x128xf16>) -> tensor<1x100x4x128xf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x4x128xf16>) kv(%k, %k : tensor<1x100x2x128xf16>, tensor<1x100x2x128xf16>) -> tensor<1x100x4x128xf16>, tensor<1x4x100xf32>
  return %o : tensor<1x100x4x128xf16>
}
