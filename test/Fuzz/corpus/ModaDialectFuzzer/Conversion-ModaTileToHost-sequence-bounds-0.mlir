func.func @bounds(%cu: memref<?xi32>, %sequence: index, %N: index) -> (index, index) {
  %begin, %length = moda_tile.sequence_bounds %cu[%sequence] tokens %N : memref<?xi32>
  return %begin, %length : index, index
}
