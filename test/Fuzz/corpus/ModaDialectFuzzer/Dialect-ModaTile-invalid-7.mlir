func.func @load_lse(%b: memref<?xf32>, %i: index) {
  %t = moda_tile.load %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 2>} : memref<?xf32> -> tensor<16x64xf32>
  return
}
