func.func @first_layer(%b: index, %t: index, %q: tensor<?x?x4x8xf16>, %k: tensor<?x?x2x8xf16>) -> tensor<?x?x4x8xf16> {
  %s = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x8xf16, size = 0, capacity = 4> -> tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>
  %o, %l = moda.attention q(%q : tensor<?x?x4x8xf16>) kv(%k, %k : tensor<?x?x2x8xf16>, tensor<?x?x2x8xf16>) depth(%dk, %dv : tensor<?x?x0x2x8xf16>, tensor<?x?x0x2x8xf16>) {causal} -> tensor<?x?x4x8xf16>, tensor<?x4x?xf32>
  return %o : tensor<?x?x4x8xf16>
}
