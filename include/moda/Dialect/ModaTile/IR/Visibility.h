//===- Visibility.h - MoDA's visibility rule, written once ------*- C++ -*-===//
//
// Which sequence keys and which depth entries a query position sees. The
// tile lowering derives its loop bounds from it (moda_tile.visible_range),
// masks scores with it (moda_tile.mask), and every target lowering of those
// two ops expands this one function.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_VISIBILITY_H
#define MODA_DIALECT_MODATILE_IR_VISIBILITY_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/Builders.h"

namespace mlir::moda::tile {

/// The sizes a visibility rule reads: T query positions, S sequence keys,
/// L depth entries per position (index values).
struct VisibilitySizes {
  Value queries, keys, depth;
};

/// Emits the range [begin, end) of keys (sequence) or flattened depth
/// entries (depth: entry t * L + l) that `position` sees under `rule`.
std::pair<Value, Value> buildVisibleRange(OpBuilder &b, Location loc,
                                          VisibilityAttr rule, Value position,
                                          const VisibilitySizes &sizes);

/// Emits the range [begin, end) of query positions (within [0, T)) that see
/// key or flattened depth entry `column` under `rule`: the inverse of
/// buildVisibleRange. Both bounds are non-decreasing in `column`.
std::pair<Value, Value> buildSeeingRange(OpBuilder &b, Location loc,
                                         VisibilityAttr rule, Value column,
                                         const VisibilitySizes &sizes);

/// Emits whether the folded query rows rowBase + firstRow .. rowBase +
/// lastRow (`group` rows per position; indices) may see one of the
/// `columns` columns from `firstColumn` on under `rule`: false only when
/// none of them does (moda_tile.if_seen's test, for a group of threads'
/// rows or for one row: pass the same value as firstRow and lastRow). A
/// rule's range bounds never decrease with the position, so the rows'
/// positions see nothing outside [begin of the first's range, end of the
/// last's).
Value buildRowsMaySeeColumns(OpBuilder &b, Location loc, VisibilityAttr rule,
                             Value rowBase, Value firstRow, Value lastRow,
                             int64_t group, Value firstColumn,
                             int64_t columns, const VisibilitySizes &sizes);

/// Emits whether `position` (an index, or a vector of indices or of i32:
/// the range's bounds are cast to them) sees the
/// key or flattened depth entry `column` under `rule`, from the seeing
/// range: the transposed form of buildIsVisible, for tiles whose columns
/// are query rows. Positions at or past T see nothing.
Value buildIsSeenBy(OpBuilder &b, Location loc, VisibilityAttr rule,
                    Value column, Value position,
                    const VisibilitySizes &sizes);

/// Emits whether `column` (a key or flattened depth entry: an index, or a
/// vector of indices or of i32) lies in the range `position` sees under
/// `rule`.
Value buildIsVisible(OpBuilder &b, Location loc, VisibilityAttr rule,
                     Value position, Value column,
                     const VisibilitySizes &sizes);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_VISIBILITY_H
