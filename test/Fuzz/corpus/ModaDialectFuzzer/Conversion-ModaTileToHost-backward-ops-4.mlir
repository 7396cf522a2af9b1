func.func @transposed_mask(%s: tensor<4x8xf32>, %r0: index, %c0: index, %T: index, %S: index, %L: index) -> tensor<4x8xf32> {
  %m = moda_tile.mask %s rows %r0 columns %c0 (T = %T, S = %S, L = %L) {group = 2 : i64, transposed, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<4x8xf32>
  return %m : tensor<4x8xf32>
}
