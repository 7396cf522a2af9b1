func.func private @not_pipelined(%k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros, %row = %c0) -> (tensor<32x16xf32>, index) {
    %a = moda_tile.load %k[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 1>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %b = moda_tile.load %k[%i, %i, %j] end %i extent %i {copy = #moda_tile.copy<kind = vector>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %c = moda_tile.load %k[%i, %i, %row] end %i extent %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %a, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %t = moda_tile.dot %q, %b, %s {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %u = moda_tile.dot %q, %c, %t {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %next = arith.addi %row, %c1 : index
    scf.yield %u, %next : tensor<32x16xf32>, index
  }
  return
}
