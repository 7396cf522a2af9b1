func.func private @three_stages(%k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %keys = moda_tile.load %k[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 3>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %keys, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}
