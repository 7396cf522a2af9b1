func.func private @masked_step(%q: tensor<64x64xbf16>, %k: tensor<64x64xbf16>, %max: tensor<64xf32>, %sum: tensor<64xf32>, %acc: tensor<64x64xf32>, %i: index) attributes {moda_tile.program} {
  %next:3 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %sum, %acc {columns = 64 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32> {
    %zero = arith.constant dense<0.0> : tensor<64x64xf32>
    %s = moda_tile.dot %q, %k, %zero {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<64x64xf32>
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %scaled = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %k, %scaled {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    moda_tile.yield %max1, %sum1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  return
}
