func.func @store_lse_rank(%t: tensor<16x2xf32>, %b: memref<?xf32>, %i: index) {
  moda_tile.store %t, %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 2>} : tensor<16x2xf32>, memref<?xf32>
  return
}
