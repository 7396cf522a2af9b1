//===- RowLayout.h - where the rows of MoDA's tensors are -------*- C++ -*-===//
//
// The element offset of a row of q/out, k/v, depth_k/depth_v or lse in its
// flat buffer (#moda_tile.rows): the tensors' layouts, the depth layout
// among them, written once for every lowering of moda_tile.load/store.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_ROWLAYOUT_H
#define MODA_DIALECT_MODATILE_IR_ROWLAYOUT_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/Builders.h"

namespace mlir::moda::tile {

/// Emits the element offset of row `row` of batch entry `batch`, key/value
/// head `head` in the flat buffer laid out as `rows` says; `extent` is the
/// tensor's rows per batch entry and `rowLength` the elements of one row (D,
/// or 1 for lse).
Value buildRowOffset(OpBuilder &b, Location loc, RowsAttr rows, Value batch,
                     Value head, Value row, Value extent, int64_t rowLength);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_ROWLAYOUT_H
