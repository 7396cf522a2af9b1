func.func private @paged(%k: memref<?xbf16>, %table: memref<?xi32>, %i: index, %lb: index, %ub: index) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %c64 = arith.constant 64 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %lb to %ub step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %first = arith.muli %j, %c16 : index
    %page, %row = moda_tile.page_lookup %table[%i, %first] pages %i {page_size = 64 : i64, pages_per_entry = 8 : i64} : memref<?xi32>
    %keys = moda_tile.load %k[%page, %i, %row] end %i extent %c64 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %keys, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}
