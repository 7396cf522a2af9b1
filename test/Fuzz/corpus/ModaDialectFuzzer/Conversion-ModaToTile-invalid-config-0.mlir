func.func @no_config(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}
