func.func @entries_without_strides(%d: memref<?xbf16>, %i: index) {
  %t = moda_tile.load %d[%i, %i, %i] end %i extent %i entries %i {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
  return
}
