func.func @mask_group(%s: tensor<32x16xf32>, %i: index) {
  %m = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 0 : i64, visibility = #moda_tile.visibility<part = sequence>} : tensor<32x16xf32>
  return
}
