func.func @lse_strides(%lse: memref<?xf32>, %i: index) {
  %t = moda_tile.load %lse[%i, %i, %i] end %i extent %i strides [%i, %i] {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : memref<?xf32> -> tensor<32xf32>
  return
}
