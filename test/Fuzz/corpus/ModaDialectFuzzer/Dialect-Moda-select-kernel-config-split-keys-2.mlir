func.func @sixteen_sequences(%q: tensor<16x1x32x128xbf16>, %k: tensor<16x32768x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<16x1x32x128xbf16>) kv(%k, %k : tensor<16x32768x8x128xbf16>, tensor<16x32768x8x128xbf16>) {causal} -> tensor<16x1x32x128xbf16>, tensor<16x32x1xf32>
  return
}
func.func @dynamic_batch(%q: tensor<?x1x32x128xbf16>, %k: tensor<?x4096x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<?x1x32x128xbf16>) kv(%k, %k : tensor<?x4096x8x128xbf16>, tensor<?x4096x8x128xbf16>) {causal} -> tensor<?x1x32x128xbf16>, tensor<?x32x1xf32>
  return
}
func.func @dynamic_cache(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x?x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x?x8x128xbf16>, tensor<1x?x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}
