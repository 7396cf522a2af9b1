func.func @layer(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>) -> (tensor<1x40x2x64xbf16>, !moda.depth_stream<1x40x1x64xbf16, size = 1, capacity = 4>) {
  %s0 = moda.stream.empty : !moda.depth_stream<1x40x1x64xbf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s0 : !moda.depth_stream<1x40x1x64xbf16, size = 0, capacity = 4> -> tensor<1x40x0x1x64xbf16>, tensor<1x40x0x1x64xbf16>
  %o, %l = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dv : tensor<1x40x0x1x64xbf16>, tensor<1x40x0x1x64xbf16>) {causal} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  %s1 = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x40x1x64xbf16, size = 0, capacity = 4>, tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16> -> !moda.depth_stream<1x40x1x64xbf16, size = 1, capacity = 4>
  return %o, %s1 : tensor<1x40x2x64xbf16>, !moda.depth_stream<1x40x1x64xbf16, size = 1, capacity = 4>
}
