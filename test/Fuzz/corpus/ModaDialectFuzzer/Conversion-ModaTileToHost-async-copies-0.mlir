func.func private @program(%q: memref<?xbf16>, %k: memref<?xbf16>, %i: index, %n: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %query = arith.constant dense<1.0> : tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<16x16xf32>
  %f0 = moda_tile.async_load %k[%i, %i, %c0] end %i extent %i slot %c0 {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
  moda_tile.commit
  %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros, %f = %f0) -> (tensor<16x16xf32>, !moda_tile.future<tensor<16x64xbf16>>) {
    %ahead = arith.addi %j, %c1 : index
    %slot = arith.remui %ahead, %c2 : index
    %next = moda_tile.async_load %k[%i, %i, %ahead] end %i extent %i slot %slot {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
    moda_tile.commit
    %keys = moda_tile.wait %f {pending = 1 : i64} : !moda_tile.future<tensor<16x64xbf16>>
    %s = moda_tile.dot %query, %keys, %acc {transpose_rhs} : tensor<16x64xbf16>, tensor<16x64xbf16> -> tensor<16x16xf32>
    scf.yield %s, %next : tensor<16x16xf32>, !moda_tile.future<tensor<16x64xbf16>>
  }
  moda_tile.wait {pending = 0 : i64}
  return
}
