func.func @short_cache(%q: tensor<4x1x32x128xbf16>, %k: tensor<4x100x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<4x1x32x128xbf16>) kv(%k, %k : tensor<4x100x8x128xbf16>, tensor<4x100x8x128xbf16>) {causal} -> tensor<4x1x32x128xbf16>, tensor<4x32x1xf32>
  return
}
