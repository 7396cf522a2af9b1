func.func @depth_only(%q: tensor<?x?x4x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %vd: tensor<?x?x?x2x64xbf16>,
                      %o: tensor<?x?x4x64xbf16>, %lse: tensor<?x4x?xf32>, %do: tensor<?x?x4x64xbf16>)
    -> tensor<?x?x4x64xbf16> {
  %dq, %dkd, %dvd = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>)
      depth(%kd, %vd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
      out(%o, %lse : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>)
      d_out(%do : tensor<?x?x4x64xbf16>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<?x?x4x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  return %dq : tensor<?x?x4x64xbf16>
}
