func.func @strides_count(%q: memref<?xbf16>, %i: index) {
  %t = moda_tile.load %q[%i, %i, %i] end %i extent %i strides [%i, %i] {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
  return
}
