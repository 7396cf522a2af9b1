func.func @depth_only_heads_not_grouped(%q: tensor<1x16x6x8xf16>, %dk: tensor<1x16x3x4x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x6x8xf16>) depth(%dk, %dk : tensor<1x16x3x4x8xf16>, tensor<1x16x3x4x8xf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x16x6x8xf16>, tensor<1x6x16xf32>
  return
}
