func.func @narrow_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %dk: tensor<1x10x1x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) depth(%dk, %dk : tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) d_depth(tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}
