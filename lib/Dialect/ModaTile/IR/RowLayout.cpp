//===- RowLayout.cpp - where the rows of MoDA's tensors are ---------------===//

#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::moda::tile;

Value mlir::moda::tile::buildRowOffset(OpBuilder &b, Location loc,
                                       RowsAttr rows, Value batch, Value head,
                                       Value row, Value extent,
                                       int64_t rowLength) {
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, loc, x, y);
  };
  auto mul = [&](Value x, Value y) -> Value {
    return arith::MulIOp::create(b, loc, x, y);
  };
  Value heads = constant(rows.getHeads());
  switch (rows.getKind()) {
  case RowKind::Key:
  case RowKind::Depth: {
    // k/v: [B, S, Hk, D], row = key; depth: [B, T, L, Hk, D] read as
    // [B, T * L, Hk, D], row = t * L + l.
    Value element = add(mul(add(mul(batch, extent), row), heads), head);
    return mul(element, constant(rowLength));
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
    if (rows.getKind() == RowKind::Lse) // [B, Hq, T]
      return add(mul(add(mul(batch, heads), queryHead), extent), position);
    // q/out: [B, T, Hq, D].
    Value element = add(mul(add(mul(batch, extent), position), heads),
                        queryHead);
    return mul(element, constant(rowLength));
  }
  }
  llvm_unreachable("unknown row kind");
}
