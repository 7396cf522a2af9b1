func.func @lookup(%table: memref<?xi32>, %batch: index, %key: index, %pages: index) -> (index, index) {
  %page, %row = moda_tile.page_lookup %table[%batch, %key] pages %pages {page_size = 64 : i64, pages_per_entry = 32 : i64} : memref<?xi32>
  return %page, %row : index, index
}
