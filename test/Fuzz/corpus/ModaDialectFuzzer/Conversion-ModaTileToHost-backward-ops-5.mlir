func.func @seeing_chunk(%e: index, %T: index, %S: index, %L: index) -> (index, index) {
  %b, %end = moda_tile.seeing_range %e (T = %T, S = %S, L = %L) {visibility = #moda_tile.visibility<part = depth, depth = chunk, chunk_size = 4>}
  return %b, %end : index, index
}
