func.func @dynamic_query_heads(%q: tensor<1x16x?x8xf16>, %k: tensor<1x16x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x?x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x?x8xf16>, tensor<1x?x16xf32>
  return
}
