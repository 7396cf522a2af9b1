func.func @attention(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x2x64xf16>, %dk: tensor<?x?x?x2x64xf16>) -> tensor<?x?x4x64xf16> {
  %o, %l = moda.attention q(%q : tensor<?x?x4x64xf16>) kv(%k, %k : tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) depth(%dk, %dk : tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>) {causal, strided, config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<?x?x4x64xf16>, tensor<?x4x?xf32>
  return %o : tensor<?x?x4x64xf16>
}
