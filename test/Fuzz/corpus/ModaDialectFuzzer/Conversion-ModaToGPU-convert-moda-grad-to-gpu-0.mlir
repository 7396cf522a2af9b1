func.func @full(%q: tensor<1x40x4x64xf16>, %k: tensor<1x40x2x64xf16>, %v: tensor<1x40x2x64xf16>,
                %kd: tensor<1x40x3x2x64xf16>, %vd: tensor<1x40x3x2x64xf16>,
                %o: tensor<1x40x4x64xf16>, %lse: tensor<1x4x40xf32>, %do: tensor<1x40x4x64xf16>)
    -> (tensor<1x40x4x64xf16>, tensor<1x40x2x64xf16>, tensor<1x40x3x2x64xf16>) {
  %dq, %dk, %dv, %dkd, %dvd = moda.attention_grad q(%q : tensor<1x40x4x64xf16>)
      kv(%k, %v : tensor<1x40x2x64xf16>, tensor<1x40x2x64xf16>)
      depth(%kd, %vd : tensor<1x40x3x2x64xf16>, tensor<1x40x3x2x64xf16>)
      out(%o, %lse : tensor<1x40x4x64xf16>, tensor<1x4x40xf32>)
      d_out(%do : tensor<1x40x4x64xf16>) {causal, config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
      -> dq(tensor<1x40x4x64xf16>)
         dkv(tensor<1x40x2x64xf16>, tensor<1x40x2x64xf16>)
         d_depth(tensor<1x40x3x2x64xf16>, tensor<1x40x3x2x64xf16>)
  return %dq, %dk, %dkd : tensor<1x40x4x64xf16>, tensor<1x40x2x64xf16>, tensor<1x40x3x2x64xf16>
}
