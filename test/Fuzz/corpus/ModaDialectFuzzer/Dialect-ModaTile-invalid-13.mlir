func.func @store_lse_type(%t: tensor<16xbf16>, %b: memref<?xbf16>, %i: index) {
  moda_tile.store %t, %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 2>} : tensor<16xbf16>, memref<?xbf16>
  return
}
