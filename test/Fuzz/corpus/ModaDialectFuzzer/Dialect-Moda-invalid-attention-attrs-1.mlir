func.func @chunk_size_without_chunk(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %dk: tensor<1x16x3x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) depth(%dk, %dk : tensor<1x16x3x2x8xf16>, tensor<1x16x3x2x8xf16>) {chunk_size = 4} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
