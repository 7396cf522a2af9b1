func.func @mixed_static_dynamic(%q: tensor<?x16x4x8xf16>, %k: tensor<2x?x2x8xf16>, %dk: tensor<2x?x?x2x8xf16>) -> tensor<?x16x4x8xf16> {
  %o, %l = moda.attention q(%q : tensor<?x16x4x8xf16>) kv(%k, %k : tensor<2x?x2x8xf16>, tensor<2x?x2x8xf16>) depth(%dk, %dk : tensor<2x?x?x2x8xf16>, tensor<2x?x?x2x8xf16>) {causal} -> tensor<?x16x4x8xf16>, tensor<?x4x16xf32>
  return %o : tensor<?x16x4x8xf16>
}

func.func @decode(%q: tensor<4x1x8x128xbf16>, %k: tensor<4x4096x1x128xbf16>, %dk: tensor<4x1x12x1x128xbf16>) -> tensor<4x1x8x128xbf16> {
  %o, %l = moda.attention q(%q : tensor<4x1x8x128xbf16>) kv(%k, %k : tensor<4x4096x1x128xbf16>, tensor<4x4096x1x128xbf16>) depth(%dk, %dk : tensor<4x1x12x1x128xbf16>, tensor<4x1x12x1x128xbf16>) {causal} -> tensor<4x1x8x128xbf16>, tensor<4x8x1xf32>
  return %o : tensor<4x1x8x128xbf16>
}
