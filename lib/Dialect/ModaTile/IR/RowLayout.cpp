//===- RowLayout.cpp - where the rows of MoDA's tensors are ---------------===//

#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::moda::tile;

ArrayRef<StringRef> mlir::moda::tile::getRowStrideNames(RowKind kind) {
  static constexpr StringRef kQuery[] = {"batch", "position", "query head"};
  static constexpr StringRef kKey[] = {"batch", "key", "head"};
  static constexpr StringRef kDepth[] = {"batch", "position", "entry", "head"};
  // Every dimension of lse (a value per row, no row of elements).
  static constexpr StringRef kLse[] = {"batch", "query head", "position"};
  switch (kind) {
  case RowKind::Query:
    return kQuery;
  case RowKind::Key:
    return kKey;
  case RowKind::Depth:
    return kDepth;
  case RowKind::Lse:
    return kLse;
  }
  llvm_unreachable("unknown row kind");
}

Value mlir::moda::tile::buildRowOffset(OpBuilder &b, Location loc,
                                       const RowAddress &address, Value row) {
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](Value x, Value y) -> Value {
    return arith::MulIOp::create(b, loc, x, y);
  };
  RowsAttr rows = address.rows;
  Value batch = address.batch, head = address.head;
  ArrayRef<Value> strides = address.strides;
  // Strides, when given: the sum of each index times its dimension's stride
  // (the innermost dimension's is 1, the row's first element at index 0).
  auto strided = [&](ArrayRef<Value> indices) {
    Value offset = mul(indices.front(), strides.front());
    for (auto [index, stride] :
         llvm::zip(indices.drop_front(), strides.drop_front()))
      offset = add(offset, mul(index, stride));
    return offset;
  };
  Value heads = constant(rows.getHeads());
  switch (rows.getKind()) {
  case RowKind::Key:
  case RowKind::Depth: {
    // k/v: [B, S, Hk, D], row = key; depth: [B, T, L, Hk, D], row =
    // t * L + l, read densely as [B, T * L, Hk, D].
    if (!strides.empty() && rows.getKind() == RowKind::Key)
      return strided({batch, row, head});
    if (!strides.empty()) {
      // One op per statement: the order of a call's arguments is the
      // compiler's.
      // The offset may be computed for a row outside the tile (its read
      // guarded), so L = 0 (no depth) must not divide by zero.
      Value entries =
          arith::MaxUIOp::create(b, loc, address.entries, constant(1));
      Value position = arith::DivUIOp::create(b, loc, row, entries);
      Value entry = arith::RemUIOp::create(b, loc, row, entries);
      return strided({batch, position, entry, head});
    }
    Value element = add(mul(add(mul(batch, address.extent), row), heads), head);
    return mul(element, constant(address.rowLength));
  }
  case RowKind::Query:
  case RowKind::Lse: {
    // Folded row i = t * G + g: position t, query head head * G + g.
    Value group = constant(rows.getGroup());
    Value position = arith::DivUIOp::create(b, loc, row, group);
    // One op per statement: the order of a call's arguments is the
    // compiler's (gcc and clang built different IR from one nested call).
    Value groupMember = arith::RemUIOp::create(b, loc, row, group);
    Value queryHead = add(mul(head, group), groupMember);
    if (rows.getKind() == RowKind::Lse && !strides.empty())
      return strided({batch, queryHead, position});
    if (rows.getKind() == RowKind::Lse) // [B, Hq, T]
      return add(mul(add(mul(batch, heads), queryHead), address.extent),
                 position);
    // q/out: [B, T, Hq, D].
    if (!strides.empty())
      return strided({batch, position, queryHead});
    Value element = add(mul(add(mul(batch, address.extent), position), heads),
                        queryHead);
    return mul(element, constant(address.rowLength));
  }
  }
  llvm_unreachable("unknown row kind");
}
