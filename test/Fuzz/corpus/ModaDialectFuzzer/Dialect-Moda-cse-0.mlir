func.func @twins(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>, %s: !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 2>)
    -> (tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>, tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>) {
  %o1, %l1 = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {causal} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  %o2, %l2 = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {causal} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  %a1, %b1 = moda.stream.entries %s : !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 2> -> tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>
  %a2, %b2 = moda.stream.entries %s : !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 2> -> tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>
  return %o1, %o2, %a1, %a2 : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>, tensor<1x16x1x2x8xf16>, tensor<1x16x1x2x8xf16>
}

func.func @not_twins(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) -> (tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>) {
  %o1, %l1 = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) {causal} -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  %o2, %l2 = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return %o1, %o2 : tensor<1x16x4x8xf16>, tensor<1x16x4x8xf16>
}

func.func @unused(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  %s = moda.stream.empty : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 2>
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf16, size = 0, capacity = 2>, tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16> -> !moda.depth_stream<1x16x2x8xf16, size = 1, capacity = 2>
  return
}
