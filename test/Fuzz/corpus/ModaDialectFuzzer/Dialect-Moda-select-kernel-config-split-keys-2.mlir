func.func @many_sequences(%q: tensor<64x1x32x128xbf16>, %k: tensor<64x4096x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<64x1x32x128xbf16>) kv(%k, %k : tensor<64x4096x8x128xbf16>, tensor<64x4096x8x128xbf16>) {causal} -> tensor<64x1x32x128xbf16>, tensor<64x32x1xf32>
  return
}
func.func @short_cache(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x100x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x100x8x128xbf16>, tensor<1x100x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}
func.func @dynamic_cache(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x?x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x?x8x128xbf16>, tensor<1x?x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}
