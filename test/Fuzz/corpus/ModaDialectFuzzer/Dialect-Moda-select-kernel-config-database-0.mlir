func.func @tuned(%q: tensor<1x200x8x64xbf16>, %k: tensor<1x200x2x64xbf16>, %dk: tensor<1x200x7x2x64xbf16>) -> tensor<1x200x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x200x8x64xbf16>) kv(%k, %k : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>) depth(%dk, %dk : tensor<1x200x7x2x64xbf16>, tensor<1x200x7x2x64xbf16>) {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  return %o : tensor<1x200x8x64xbf16>
}

func.func @missing_key(%q: tensor<1x200x8x64xbf16>, %k: tensor<1x200x2x64xbf16>, %dk: tensor<1x200x5x2x64xbf16>) -> tensor<1x200x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x200x8x64xbf16>) kv(%k, %k : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>) depth(%dk, %dk : tensor<1x200x5x2x64xbf16>, tensor<1x200x5x2x64xbf16>) {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  return %o : tensor<1x200x8x64xbf16>
}

func.func @dynamic_length(%q: tensor<1x?x8x64xbf16>, %k: tensor<1x?x2x64xbf16>, %dk: tensor<1x?x7x2x64xbf16>) -> tensor<1x?x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x?x8x64xbf16>) kv(%k, %k : tensor<1x?x2x64xbf16>, tensor<1x?x2x64xbf16>) depth(%dk, %dk : tensor<1x?x7x2x64xbf16>, tensor<1x?x7x2x64xbf16>) {causal} -> tensor<1x?x8x64xbf16>, tensor<1x8x?xf32>
  return %o : tensor<1x?x8x64xbf16>
}

func.func @stale_entry(%q: tensor<1x200x8x64xbf16>, %k: tensor<1x200x2x64xbf16>, %dk: tensor<1x200x3x2x64xbf16>) -> tensor<1x200x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x200x8x64xbf16>) kv(%k, %k : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>) depth(%dk, %dk : tensor<1x200x3x2x64xbf16>, tensor<1x200x3x2x64xbf16>) {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  return %o : tensor<1x200x8x64xbf16>
}
