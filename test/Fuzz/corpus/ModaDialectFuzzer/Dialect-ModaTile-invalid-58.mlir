func.func @page_lookup_empty_pages(%table: memref<?xi32>, %i: index) {
  %page, %row = moda_tile.page_lookup %table[%i, %i] pages %i {page_size = 0 : i64, pages_per_entry = 16 : i64} : memref<?xi32>
  return
}
