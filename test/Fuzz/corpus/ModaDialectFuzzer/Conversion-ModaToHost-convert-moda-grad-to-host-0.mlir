func.func @grad(%q: tensor<1x29x4x64xbf16>, %kd: tensor<1x29x7x2x64xbf16>, %vd: tensor<1x29x7x2x64xbf16>,
                %o: tensor<1x29x4x64xbf16>, %lse: tensor<1x4x29xf32>, %do: tensor<1x29x4x64xbf16>)
    -> (tensor<1x29x4x64xbf16>, tensor<1x29x7x2x64xbf16>) {
  %dq, %dkd, %dvd = moda.attention_grad q(%q : tensor<1x29x4x64xbf16>)
      depth(%kd, %vd : tensor<1x29x7x2x64xbf16>, tensor<1x29x7x2x64xbf16>)
      out(%o, %lse : tensor<1x29x4x64xbf16>, tensor<1x4x29xf32>)
      d_out(%do : tensor<1x29x4x64xbf16>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<1x29x4x64xbf16>) d_depth(tensor<1x29x7x2x64xbf16>, tensor<1x29x7x2x64xbf16>)
  return %dq, %dkd : tensor<1x29x4x64xbf16>, tensor<1x29x7x2x64xbf16>
}
