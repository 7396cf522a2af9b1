func.func @too_many_query_heads(%q: tensor<1x16x4104x64xf16>, %k: tensor<1x16x1x64xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4104x64xf16>) kv(%k, %k : tensor<1x16x1x64xf16>, tensor<1x16x1x64xf16>) -> tensor<1x16x4104x64xf16>, tensor<1x4104x16xf32>
  return
}
