func.func private @too_much_shared(%q: memref<?xf16>, %k: memref<?xf16>, %i: index) attributes {moda_tile.program, moda.kernel = {}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 1>} : memref<?xf16> -> tensor<32x64xf16>
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> tensor<4096x64xf16>
  %zeros = arith.constant dense<0.0> : tensor<32x4096xf32>
  %s = moda_tile.dot %query, %keys, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>, transpose_rhs} : tensor<32x64xf16>, tensor<4096x64xf16> -> tensor<32x4096xf32>
  return
}
