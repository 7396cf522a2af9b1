func.func @load_element_type(%b: memref<?xbf16>, %i: index) {
  %t = moda_tile.load %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<16x64xf16>
  return
}
