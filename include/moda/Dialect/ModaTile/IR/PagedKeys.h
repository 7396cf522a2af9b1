//===- PagedKeys.h - where a key of a paged KV cache is ---------*- C++ -*-===//
//
// The page and row of a key in a paged KV cache (FlashAttention's
// block_table), written once for every lowering of moda_tile.page_lookup.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_PAGEDKEYS_H
#define MODA_DIALECT_MODATILE_IR_PAGEDKEYS_H

#include "mlir/IR/Builders.h"

namespace mlir::moda::tile {

/// Emits the page (clamped into [0, pages)) and the row in that page of
/// key `key` of batch entry `batch` (index values), from the block table
/// `blockTable` (memref<?xi32>, [B, pagesPerEntry]), its column clamped
/// into [0, pagesPerEntry): page = clamp(table[batch, min(key / pageSize,
/// pagesPerEntry - 1)], 0, pages - 1), row = key mod pageSize.
std::pair<Value, Value> buildPageLookup(OpBuilder &b, Location loc,
                                        Value blockTable, Value batch,
                                        Value key, Value pages,
                                        int64_t pageSize,
                                        int64_t pagesPerEntry);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_PAGEDKEYS_H
