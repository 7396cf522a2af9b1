func.func @mask(%s: tensor<4x2xf32>, %r: index, %c: index, %t: index, %k: index, %l: index) -> tensor<4x2xf32> {
  %m = moda_tile.mask %s rows %r columns %c (T = %t, S = %k, L = %l) {group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<4x2xf32>
  return %m : tensor<4x2xf32>
}
