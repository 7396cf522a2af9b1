func.func @wide_grad(%q: tensor<1x10x2x128xf16>, %k: tensor<1x10x1x128xf16>, %dk: tensor<1x10x3x1x128xf16>, %lse: tensor<1x2x10xf32>) -> tensor<1x10x2x128xf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x2x128xf16>) kv(%k, %k : tensor<1x10x1x128xf16>, tensor<1x10x1x128xf16>) depth(%dk, %dk : tensor<1x10x3x1x128xf16>, tensor<1x10x3x1x128xf16>) out(%q, %lse : tensor<1x10x2x128xf16>, tensor<1x2x10xf32>) d_out(%q : tensor<1x10x2x128xf16>) {causal} -> dq(tensor<1x10x2x128xf16>) dkv(tensor<1x10x1x128xf16>, tensor<1x10x1x128xf16>) d_depth(tensor<1x10x3x1x128xf16>, tensor<1x10x3x1x128xf16>)
  return %dq : tensor<1x10x2x128xf16>
}
