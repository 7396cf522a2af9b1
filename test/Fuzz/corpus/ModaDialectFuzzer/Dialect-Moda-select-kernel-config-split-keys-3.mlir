func.func @many_rows(%q: tensor<1x16x64x128xbf16>, %k: tensor<1x4096x8x128xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x64x128xbf16>) kv(%k, %k : tensor<1x4096x8x128xbf16>, tensor<1x4096x8x128xbf16>) {causal} -> tensor<1x16x64x128xbf16>, tensor<1x64x16xf32>
  return
}
func.func @f32(%q: tensor<1x1x32x64xf32>, %k: tensor<1x4096x8x64xf32>) {
  %o, %l = moda.attention q(%q : tensor<1x1x32x64xf32>) kv(%k, %k : tensor<1x4096x8x64xf32>, tensor<1x4096x8x64xf32>) {causal} -> tensor<1x1x32x64xf32>, tensor<1x32x1xf32>
  return
}
