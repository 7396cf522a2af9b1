func.func @async_wrong_tile(%k: memref<?xf16>, %i: index) {
  %f = moda_tile.async_load %k[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> !moda_tile.future<tensor<16x64xf32>>
  return
}
