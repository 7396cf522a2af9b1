func.func @key_entries(%k: memref<?xbf16>, %t: tensor<16x64xbf16>, %i: index) {
  moda_tile.store %t, %k[%i, %i, %i] end %i extent %i strides [%i, %i, %i] entries %i {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<16x64xbf16>, memref<?xbf16>
  return
}
