//===- RowLayout.h - where the rows of MoDA's tensors are -------*- C++ -*-===//
//
// The element offset of a row of q/out, k/v, depth_k/depth_v or lse in its
// flat buffer (#moda_tile.rows): the tensors' layouts, the depth layout
// among them, dense or given by strides, written once for every lowering of
// moda_tile.load/async_load/store.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_ROWLAYOUT_H
#define MODA_DIALECT_MODATILE_IR_ROWLAYOUT_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/Builders.h"

namespace mlir::moda::tile {

/// The strides a tensor of rows `kind` takes, named, one per dimension
/// before the innermost: batch, position, query head for query rows; batch,
/// key, head for key rows; batch, position, entry, head for depth rows;
/// and for lse rows, which have no innermost row of elements, one per
/// dimension: batch, query head, position (packed sequences' [Hq, N]).
ArrayRef<StringRef> getRowStrideNames(RowKind kind);

/// Where the rows of one moda_tile.load, async_load or store are, as the
/// lowering sees its operands: the rows attribute, the batch entry and
/// key/value head, the tensor's rows per batch entry (`extent`), the
/// elements of one row when dense (`rowLength`: D, or 1 for lse), and, for
/// a strided tensor, its strides and (depth rows) the entries per position.
struct RowAddress {
  RowsAttr rows;
  Value batch, head, extent;
  int64_t rowLength = 1;
  SmallVector<Value, 4> strides;
  Value entries;

  /// The address of `op`'s rows, its operands mapped through `map` (the
  /// identity by default; a lowering passes its value mapping).
  template <typename OpTy>
  static RowAddress of(OpTy op, int64_t rowLength,
                       function_ref<Value(Value)> map = nullptr) {
    auto mapped = [&](Value v) { return map && v ? map(v) : v; };
    RowAddress address;
    address.rows = op.getRows();
    address.batch = mapped(op.getBatch());
    address.head = mapped(op.getHead());
    address.extent = mapped(op.getExtent());
    address.rowLength = rowLength;
    for (Value stride : op.getStrides())
      address.strides.push_back(mapped(stride));
    address.entries = mapped(op.getEntries());
    return address;
  }
};

/// Emits the element offset of the first element of row `row` of `address`.
Value buildRowOffset(OpBuilder &b, Location loc, const RowAddress &address,
                     Value row);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_ROWLAYOUT_H
