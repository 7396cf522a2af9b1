func.func @store_keys(%t: tensor<16x64xf32>, %b: memref<?xbf16>, %i: index) {
  moda_tile.store %t, %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<16x64xf32>, memref<?xbf16>
  return
}
