func.func @lse_rows(%l: tensor<2xf32>, %lse: memref<?xf32>, %batch: index, %head: index, %first: index, %end: index, %extent: index) {
  moda_tile.store %l, %lse[%batch, %head, %first] end %end extent %extent {rows = #moda_tile.rows<kind = lse, heads = 6, group = 3>} : tensor<2xf32>, memref<?xf32>
  return
}
