func.func @lse_as_row(%lse: memref<?xf32>, %batch: index, %head: index, %first: index, %end: index, %extent: index) -> tensor<1x8xf32> {
  %t = moda_tile.load %lse[%batch, %head, %first] end %end extent %extent {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> tensor<1x8xf32>
  return %t : tensor<1x8xf32>
}
