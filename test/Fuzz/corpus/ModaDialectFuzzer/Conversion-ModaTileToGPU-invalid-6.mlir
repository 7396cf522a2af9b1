func.func private @escaping_shared_tile(%q: memref<?xf16>, %k: memref<?xf16>, %i: index, %n: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<16x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %r = scf.for %j = %i to %n step %i iter_args(%acc = %zeros) -> (tensor<32x16xf32>) {
    %s = moda_tile.dot %query, %keys, %acc {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
    scf.yield %s : tensor<32x16xf32>
  }
  return
}
