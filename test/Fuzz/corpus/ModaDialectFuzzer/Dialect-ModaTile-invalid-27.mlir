func.func @async_vector(%k: memref<?xf16>, %i: index) {
  %f = moda_tile.async_load %k[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = vector>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> !moda_tile.future<tensor<16x64xf16>>
  return
}
