func.func private @strided(%d: memref<?xbf16>, %i: index, %n: index, %sb: index, %st: index, %sl: index, %sh: index, %l: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %q = arith.constant dense<1.0> : tensor<32x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %entries = moda_tile.load %d[%i, %i, %j] end %i extent %i strides [%sb, %st, %sl, %sh] entries %l {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %s = moda_tile.dot %q, %entries, %acc {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}
