func.func @strided_key_store(%t: tensor<2x8xf16>, %k: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index, %sb: index, %ss: index, %sh: index) {
  moda_tile.store %t, %k[%batch, %head, %first] end %end extent %extent strides [%sb, %ss, %sh] {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<2x8xf16>, memref<?xf16>
  return
}
