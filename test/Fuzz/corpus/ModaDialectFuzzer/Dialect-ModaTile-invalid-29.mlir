func.func @async_load_lse(%b: memref<?xf32>, %i: index) {
  %f = moda_tile.async_load %b[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = lse, heads = 2>} : memref<?xf32> -> !moda_tile.future<tensor<16xf32>>
  return
}
