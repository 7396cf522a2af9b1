func.func @benchmark_shape(%q: tensor<1x4096x64x64xbf16>, %k: tensor<1x4096x8x64xbf16>, %dk: tensor<1x4096x64x8x64xbf16>) -> tensor<1x4096x64x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x4096x64x64xbf16>) kv(%k, %k : tensor<1x4096x8x64xbf16>, tensor<1x4096x8x64xbf16>) depth(%dk, %dk : tensor<1x4096x64x8x64xbf16>, tensor<1x4096x64x8x64xbf16>) {causal} -> tensor<1x4096x64x64xbf16>, tensor<1x64x4096xf32>
  return %o : tensor<1x4096x64x64xbf16>
}
