func.func @v_differs_from_k(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %v: tensor<1x12x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %v : tensor<1x16x2x8xf16>, tensor<1x12x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return
}
