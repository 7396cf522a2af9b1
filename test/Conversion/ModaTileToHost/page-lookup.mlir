// RUN: moda-opt %s -split-input-file -convert-moda-tile-to-host | FileCheck %s

// A key's page on the host: the block table's column key / page_size
// clamped into the table's row, its entry read as signed i32 and clamped
// into the pool's pages, the row key mod page_size (PagedKeys.cpp).

// CHECK-LABEL: func.func @lookup
// CHECK-SAME: (%[[TABLE:[^:]*]]: memref<?xi32>, %[[BATCH:[^:]*]]: index, %[[KEY:[^:]*]]: index, %[[PAGES:[^:]*]]: index)
// CHECK-NOT: moda_tile
// CHECK: %[[COLUMN:.*]] = arith.divui %[[KEY]], %c64
// CHECK: %[[CLAMPED:.*]] = arith.minui %[[COLUMN]], %c31
// CHECK: %[[ROWSTART:.*]] = arith.muli %[[BATCH]], %c32
// CHECK: %[[ENTRY:.*]] = arith.addi %[[ROWSTART]], %[[CLAMPED]]
// CHECK: %[[ID32:.*]] = memref.load %[[TABLE]][%[[ENTRY]]] : memref<?xi32>
// CHECK: %[[ID:.*]] = arith.index_cast %[[ID32]] : i32 to index
// CHECK: %[[LASTM1:.*]] = arith.subi %[[PAGES]], %c1
// CHECK: %[[LAST:.*]] = arith.maxsi %[[LASTM1]], %c0
// CHECK: %[[POSITIVE:.*]] = arith.maxsi %[[ID]], %c0
// CHECK: %[[PAGE:.*]] = arith.minsi %[[POSITIVE]], %[[LAST]]
// CHECK: %[[ROW:.*]] = arith.remui %[[KEY]], %c64
// CHECK: return %[[PAGE]], %[[ROW]]
func.func @lookup(%table: memref<?xi32>, %batch: index, %key: index, %pages: index) -> (index, index) {
  %page, %row = moda_tile.page_lookup %table[%batch, %key] pages %pages {page_size = 64 : i64, pages_per_entry = 32 : i64} : memref<?xi32>
  return %page, %row : index, index
}
