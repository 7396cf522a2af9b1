func.func @depth_only_without_depth(%q: tensor<1x16x4x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
