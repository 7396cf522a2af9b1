func.func @mask_rank(%s: tensor<32xf32>, %i: index) {
  %m = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = sequence>} : tensor<32xf32>
  return
}
