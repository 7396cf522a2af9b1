//===- Visibility.cpp - MoDA's visibility rule, written once --------------===//

#include "moda/Dialect/ModaTile/IR/Visibility.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

/// Whether `value` (an index, or a vector of indices or of i32) lies in
/// [begin, end) (indices, cast and broadcast to `value`'s type).
static Value buildIsInRange(OpBuilder &b, Location loc, Value begin,
                            Value end, Value value) {
  Type element = getElementTypeOrSelf(value.getType());
  if (!element.isIndex()) {
    begin = arith::IndexCastOp::create(b, loc, element, begin);
    end = arith::IndexCastOp::create(b, loc, element, end);
  }
  if (auto vector = dyn_cast<VectorType>(value.getType())) {
    begin = vector::BroadcastOp::create(b, loc, vector, begin);
    end = vector::BroadcastOp::create(b, loc, vector, end);
  }
  // Built one after the other: arguments' evaluation order is the
  // compiler's, and the IR's order must not be.
  Value afterBegin =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, begin, value);
  Value beforeEnd =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, value, end);
  return arith::AndIOp::create(b, loc, afterBegin, beforeEnd);
}

std::pair<Value, Value>
mlir::moda::tile::buildVisibleRange(OpBuilder &b, Location loc,
                                    VisibilityAttr rule, Value position,
                                    const VisibilitySizes &sizes) {
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero = constant(0), one = constant(1);
  if (rule.getPart() == VisiblePart::Sequence) {
    if (!rule.getCausal())
      return {zero, sizes.keys};
    // Key s is visible to position t iff s <= t + S - T (bottom-right
    // aligned, so T = 1 against a cache of S keys sees all of it). Signed:
    // t + S + 1 - T is negative for early rows when T > S + 1.
    Value shift = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, sizes.keys, one), sizes.queries);
    Value end = arith::AddIOp::create(b, loc, position, shift);
    end = arith::MaxSIOp::create(b, loc, end, zero);
    end = arith::MinSIOp::create(b, loc, end, sizes.keys);
    return {zero, end};
  }
  // Depth: the L entries of a position are consecutive (entry t * L + l); a
  // chunk-visible row sees those of every position from its chunk's start.
  Value firstPosition = position;
  if (rule.getDepth() == DepthVisibility::Chunk) {
    Value chunk = constant(rule.getChunkSize());
    firstPosition = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, position, chunk), chunk);
  }
  Value begin = arith::MulIOp::create(b, loc, firstPosition, sizes.depth);
  Value end = arith::MulIOp::create(
      b, loc, arith::AddIOp::create(b, loc, position, one), sizes.depth);
  return {begin, end};
}

Value mlir::moda::tile::buildRowsMaySeeColumns(
    OpBuilder &b, Location loc, VisibilityAttr rule, Value rowBase,
    Value firstRow, Value lastRow, int64_t group, Value firstColumn,
    int64_t columns, const VisibilitySizes &sizes) {
  auto positionOf = [&](Value row) -> Value {
    return arith::DivUIOp::create(
        b, loc, arith::AddIOp::create(b, loc, rowBase, row),
        arith::ConstantIndexOp::create(b, loc, group));
  };
  // One value after the other: the IR's order is not the compiler's
  // evaluation order of arguments.
  Value firstPosition = positionOf(firstRow);
  Value lastPosition =
      lastRow == firstRow ? firstPosition : positionOf(lastRow);
  Value endColumn = arith::AddIOp::create(
      b, loc, firstColumn, arith::ConstantIndexOp::create(b, loc, columns));
  Value begin = buildVisibleRange(b, loc, rule, firstPosition, sizes).first;
  Value end = buildVisibleRange(b, loc, rule, lastPosition, sizes).second;
  Value beginsBeforeEnd = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::slt, begin, endColumn);
  Value endsAfterFirst = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::sgt, end, firstColumn);
  return arith::AndIOp::create(b, loc, beginsBeforeEnd, endsAfterFirst);
}

std::pair<Value, Value>
mlir::moda::tile::buildSeeingRange(OpBuilder &b, Location loc,
                                   VisibilityAttr rule, Value column,
                                   const VisibilitySizes &sizes) {
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value zero = constant(0), one = constant(1);
  auto clampToQueries = [&](Value v) -> Value {
    return arith::MinSIOp::create(b, loc,
                                  arith::MaxSIOp::create(b, loc, v, zero),
                                  sizes.queries);
  };
  if (rule.getPart() == VisiblePart::Sequence) {
    if (!rule.getCausal())
      return {zero, sizes.queries};
    // Position t sees key s iff s <= t + S - T, i.e. t >= s + T - S.
    Value begin = arith::SubIOp::create(
        b, loc, arith::AddIOp::create(b, loc, column, sizes.queries),
        sizes.keys);
    return {clampToQueries(begin), sizes.queries};
  }
  // Depth entry t * L + l belongs to position t, which sees it, and so does
  // every later position of its chunk under chunk visibility.
  Value position = arith::DivUIOp::create(b, loc, column, sizes.depth);
  Value end = arith::AddIOp::create(b, loc, position, one);
  if (rule.getDepth() == DepthVisibility::Chunk) {
    Value chunk = constant(rule.getChunkSize());
    end = arith::AddIOp::create(
        b, loc,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, position, chunk), chunk),
        chunk);
  }
  return {clampToQueries(position), clampToQueries(end)};
}

Value mlir::moda::tile::buildIsSeenBy(OpBuilder &b, Location loc,
                                      VisibilityAttr rule, Value column,
                                      Value position,
                                      const VisibilitySizes &sizes) {
  auto [begin, end] = buildSeeingRange(b, loc, rule, column, sizes);
  return buildIsInRange(b, loc, begin, end, position);
}

Value mlir::moda::tile::buildIsVisible(OpBuilder &b, Location loc,
                                       VisibilityAttr rule, Value position,
                                       Value column,
                                       const VisibilitySizes &sizes) {
  auto [begin, end] = buildVisibleRange(b, loc, rule, position, sizes);
  return buildIsInRange(b, loc, begin, end, column);
}
