func.func @drops_empty_depth(%q: tensor<?x16x4x8xbf16>, %k: tensor<?x16x2x8xbf16>, %dk: tensor<?x16x0x2x8xbf16>, %lse: tensor<?x4x16xf32>) -> (tensor<?x16x4x8xbf16>, tensor<?x16x2x8xbf16>, tensor<?x16x0x2x8xbf16>) {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x16x4x8xbf16>) kv(%k, %k : tensor<?x16x2x8xbf16>, tensor<?x16x2x8xbf16>) depth(%dk, %dk : tensor<?x16x0x2x8xbf16>, tensor<?x16x0x2x8xbf16>) out(%q, %lse : tensor<?x16x4x8xbf16>, tensor<?x4x16xf32>) d_out(%q : tensor<?x16x4x8xbf16>) {causal} -> dq(tensor<?x16x4x8xbf16>) dkv(tensor<?x16x2x8xbf16>, tensor<?x16x2x8xbf16>) d_depth(tensor<?x16x0x2x8xbf16>, tensor<?x16x0x2x8xbf16>)
  return %dq, %gv, %gdk : tensor<?x16x4x8xbf16>, tensor<?x16x2x8xbf16>, tensor<?x16x0x2x8xbf16>
}
