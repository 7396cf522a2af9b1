func.func @strided_depth_rows(%d: memref<?xf16>, %batch: index, %head: index, %first: index, %end: index, %extent: index, %sb: index, %st: index, %sl: index, %sh: index, %l: index) -> tensor<2x8xf16> {
  %t = moda_tile.load %d[%batch, %head, %first] end %end extent %extent strides [%sb, %st, %sl, %sh] entries %l {rows = #moda_tile.rows<kind = depth, heads = 4>} : memref<?xf16> -> tensor<2x8xf16>
  return %t : tensor<2x8xf16>
}
