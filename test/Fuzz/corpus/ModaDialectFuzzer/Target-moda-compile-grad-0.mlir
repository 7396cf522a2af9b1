func.func @train(%q: tensor<?x?x4x64xbf16>, %k: tensor<?x?x2x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %do: tensor<?x?x4x64xbf16>)
    -> (tensor<?x?x4x64xbf16>, tensor<?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) {
  %o, %l = moda.attention q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16} -> tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>
  %dq, %dk, %dv, %dkd, %dvd = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) out(%o, %l : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>) d_out(%do : tensor<?x?x4x64xbf16>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16} -> dq(tensor<?x?x4x64xbf16>) dkv(tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  return %dq, %dk, %dkd : tensor<?x?x4x64xbf16>, tensor<?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>
}
