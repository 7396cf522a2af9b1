func.func private @masked_step(%k: memref<?xbf16>, %v: memref<?xbf16>, %i: index, %lb: index, %ub: index) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %max0 = arith.constant dense<0xFF800000> : tensor<32xf32>
  %sum0 = arith.constant dense<0.0> : tensor<32xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x64xf32>
  %r:3 = scf.for %j = %lb to %ub step %c1 iter_args(%max = %max0, %sum = %sum0, %acc = %acc0) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>) {
    %first = arith.muli %j, %c16 : index
    %keys = moda_tile.load %k[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %values = moda_tile.load %v[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %next:3 = moda_tile.if_seen rows %i columns %first (T = %i, S = %i, L = %i) carrying %max, %sum, %acc {columns = 16 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
      %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
      %s = moda_tile.dot %q, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
      %masked = moda_tile.mask %s rows %i columns %first (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
      %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<32xf32>
      %scaled = moda_tile.scale_rows %acc, %alpha : tensor<32x64xf32>, tensor<32xf32>
      %acc1 = moda_tile.dot %p, %values, %scaled : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
      moda_tile.yield %max1, %sum1, %acc1 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
    }
    scf.yield %next#0, %next#1, %next#2 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
  }
  return
}
