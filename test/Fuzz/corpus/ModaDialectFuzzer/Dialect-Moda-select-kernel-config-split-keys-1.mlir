func.func @decode_batch(%q: tensor<16x1x32x128xbf16>, %k: tensor<16x32768x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<16x1x32x128xbf16>) kv(%k, %k : tensor<16x32768x8x128xbf16>, tensor<16x32768x8x128xbf16>) {causal} -> tensor<16x1x32x128xbf16>, tensor<16x32x1xf32>
  return
}
