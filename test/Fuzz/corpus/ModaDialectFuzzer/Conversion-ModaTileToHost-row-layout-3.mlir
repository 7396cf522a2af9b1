func.func @strided_query_rows(%q: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index, %sb: index, %st: index, %sh: index) -> tensor<2x8xf16> {
  %t = moda_tile.load %q[%batch, %head, %first] end %end extent %extent strides [%sb, %st, %sh] {rows = #moda_tile.rows<kind = query, heads = 6, group = 3>} : memref<?xf16> -> tensor<2x8xf16>
  return %t : tensor<2x8xf16>
}
