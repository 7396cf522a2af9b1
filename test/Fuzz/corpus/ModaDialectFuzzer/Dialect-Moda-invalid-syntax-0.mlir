func.func @missing_result_types(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>)
  return
}
