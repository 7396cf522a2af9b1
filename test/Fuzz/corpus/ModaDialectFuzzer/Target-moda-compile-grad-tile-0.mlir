func.func @grad(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x2x64xf16>, %dk: tensor<?x?x?x2x64xf16>, %o: tensor<?x?x4x64xf16>, %lse: tensor<?x4x?xf32>) -> tensor<?x?x4x64xf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x?x4x64xf16>) kv(%k, %k : tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) depth(%dk, %dk : tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>) out(%o, %lse : tensor<?x?x4x64xf16>, tensor<?x4x?xf32>) d_out(%o : tensor<?x?x4x64xf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<?x?x4x64xf16>) dkv(tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) d_depth(tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>)
  return %dq : tensor<?x?x4x64xf16>
}
