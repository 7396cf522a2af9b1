func.func @train(%q: tensor<?x?x4x64xbf16>, %k: tensor<?x?x2x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %lse: tensor<?x4x?xf32>,
                 %q2: tensor<?x?x4x128xf16>, %k2: tensor<?x?x2x128xf16>, %kd2: tensor<?x?x?x2x128xf16>, %lse2: tensor<?x4x?xf32>)
    -> (tensor<?x?x4x64xbf16>, tensor<?x?x4x128xf16>) {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) out(%q, %lse : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>) d_out(%q : tensor<?x?x4x64xbf16>) {causal} -> dq(tensor<?x?x4x64xbf16>) dkv(tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  %dq2, %gk2, %gv2, %gdk2, %gdv2 = moda.attention_grad q(%q2 : tensor<?x?x4x128xf16>) kv(%k2, %k2 : tensor<?x?x2x128xf16>, tensor<?x?x2x128xf16>) depth(%kd2, %kd2 : tensor<?x?x?x2x128xf16>, tensor<?x?x?x2x128xf16>) out(%q2, %lse2 : tensor<?x?x4x128xf16>, tensor<?x4x?xf32>) d_out(%q2 : tensor<?x?x4x128xf16>) {causal} -> dq(tensor<?x?x4x128xf16>) dkv(tensor<?x?x2x128xf16>, tensor<?x?x2x128xf16>) d_depth(tensor<?x?x?x2x128xf16>, tensor<?x?x?x2x128xf16>)
  return %dq, %dq2 : tensor<?x?x4x64xbf16>, tensor<?x?x4x128xf16>
}
