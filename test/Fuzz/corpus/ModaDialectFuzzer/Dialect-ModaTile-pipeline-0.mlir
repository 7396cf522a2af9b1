func.func private @two_stages(%k: memref<?xbf16>, %v: memref<?xbf16>, %i: index, %lb: index, %ub: index) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %zeros64 = arith.constant dense<0.0> : tensor<32x64xf32>
  %r = scf.for %j = %lb to %ub step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %first = arith.muli %j, %c16 : index
    %keys = moda_tile.load %k[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %values = moda_tile.load %v[%i, %i, %first] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %keys, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %o = moda_tile.dot %s, %values, %zeros64 : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}
