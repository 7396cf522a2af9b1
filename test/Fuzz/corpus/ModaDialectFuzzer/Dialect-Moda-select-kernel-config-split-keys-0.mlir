func.func @decode(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x4096x8x128xbf16>, %dk: tensor<1x1x32x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x4096x8x128xbf16>, tensor<1x4096x8x128xbf16>) depth(%dk, %dk : tensor<1x1x32x8x128xbf16>, tensor<1x1x32x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return
}
