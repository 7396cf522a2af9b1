func.func @full(%q: tensor<1x64x4x64xf16>, %k: tensor<1x64x2x64xf16>, %v: tensor<1x64x2x64xf16>, %dk: tensor<1x64x3x2x64xf16>, %dv: tensor<1x64x3x2x64xf16>, %o: tensor<1x64x4x64xf16>, %lse: tensor<1x4x64xf32>, %do: tensor<1x64x4x64xf16>) -> (tensor<1x64x4x64xf16>, tensor<1x64x3x2x64xf16>) {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x64x4x64xf16>) kv(%k, %v : tensor<1x64x2x64xf16>, tensor<1x64x2x64xf16>) depth(%dk, %dv : tensor<1x64x3x2x64xf16>, tensor<1x64x3x2x64xf16>) out(%o, %lse : tensor<1x64x4x64xf16>, tensor<1x4x64xf32>) d_out(%do : tensor<1x64x4x64xf16>) {causal} -> dq(tensor<1x64x4x64xf16>) dkv(tensor<1x64x2x64xf16>, tensor<1x64x2x64xf16>) d_depth(tensor<1x64x3x2x64xf16>, tensor<1x64x3x2x64xf16>)
  return %dq, %gdk : tensor<1x64x4x64xf16>, tensor<1x64x3x2x64xf16>
}

func.func @no_depth(%q: tensor<1x10x2x64xbf16>, %k: tensor<1x10x1x64xbf16>, %lse: tensor<1x2x10xf32>) -> tensor<1x10x1x64xbf16> {
  %dq, %gk, %gv = moda.attention_grad q(%q : tensor<1x10x2x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) out(%q, %lse : tensor<1x10x2x64xbf16>, tensor<1x2x10xf32>) d_out(%q : tensor<1x10x2x64xbf16>) -> dq(tensor<1x10x2x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>)
  return %gk : tensor<1x10x1x64xbf16>
}

func.func @depth_only(%q: tensor<1x10x2x64xf32>, %dk: tensor<1x10x5x1x64xf32>, %lse: tensor<1x2x10xf32>) -> tensor<1x10x5x1x64xf32> {
  %dq, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x2x64xf32>) depth(%dk, %dk : tensor<1x10x5x1x64xf32>, tensor<1x10x5x1x64xf32>) out(%q, %lse : tensor<1x10x2x64xf32>, tensor<1x2x10xf32>) d_out(%q : tensor<1x10x2x64xf32>) {visibility = #moda.visibility<depth_only>} -> dq(tensor<1x10x2x64xf32>) d_depth(tensor<1x10x5x1x64xf32>, tensor<1x10x5x1x64xf32>)
  return %gdv : tensor<1x10x5x1x64xf32>
}
