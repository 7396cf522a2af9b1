func.func private @key_step(%k: tensor<64x64xbf16>, %v: tensor<64x64xbf16>, %q: tensor<64x64xbf16>, %do: tensor<64x64xbf16>, %lse: tensor<1x64xf32>, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%dk = %zero, %dv = %zero) -> (tensor<64x64xf32>, tensor<64x64xf32>) {
    %s = moda_tile.dot %k, %q, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<1x64xf32>
    %dv1 = moda_tile.dot %p, %do, %dv {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %dp = moda_tile.dot %v, %do, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %ds = moda_tile.softmax_grad %p, %dp, %lse {scale = 0.125 : f32} : tensor<64x64xf32>, tensor<1x64xf32>
    %dk1 = moda_tile.dot %ds, %q, %dk {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %dk1, %dv1 : tensor<64x64xf32>, tensor<64x64xf32>
  }
  return
}
