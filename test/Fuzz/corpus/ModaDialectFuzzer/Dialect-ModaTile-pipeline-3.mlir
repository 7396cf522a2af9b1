func.func private @column_statistics(%q: memref<?xbf16>, %lse: memref<?xf32>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %keys = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %rows = moda_tile.load %q[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %stats = moda_tile.load %lse[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = lse, heads = 1>} : memref<?xf32> -> tensor<1x16xf32>
    %s = moda_tile.dot %keys, %rows, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %p = moda_tile.softmax_probs %s, %stats {exp2_scale = 0.18 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
    scf.yield %p : tensor<32x16xf32>
  }
  return
}
