func.func @packed_lse(%lse: memref<?xf32>, %begin: index, %head: index, %end: index, %one: index, %N: index, %row: tensor<4xf32>) {
  %c0 = arith.constant 0 : index
  moda_tile.store %row, %lse[%begin, %head, %c0] end %end extent %end strides [%one, %N, %one] {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<4xf32>, memref<?xf32>
  return
}
