func.func @depth_strides_without_entries(%d: memref<?xbf16>, %i: index) {
  %t = moda_tile.load %d[%i, %i, %i] end %i extent %i strides [%i, %i, %i, %i] {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
  return
}
