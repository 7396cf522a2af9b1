//===- FragmentLayout.cpp - the m16n8 accumulator layout of tensor cores --===//

#include "FragmentLayout.h"

#include "../NVVMPrimitives/WarpMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

void FragmentLayoutKernelBuilder::setLaneRows(Value firstRow, int64_t tiles,
                                              int64_t stride) {
  warpFirstRow = firstRow;
  mTiles = tiles;
  mTileStride = stride;
  lane = arith::RemUIOp::create(b, loc(), threadId, index(32));
  laneInGroup = arith::RemUIOp::create(b, loc(), lane, index(4));
  Value laneGroup = arith::DivUIOp::create(b, loc(), lane, index(4));
  laneFirstRow = arith::AddIOp::create(b, loc(), warpFirstRow, laneGroup);
}

std::pair<Value, Value> FragmentLayoutKernelBuilder::getProductGroupRows() {
  return {warpFirstRow,
          arith::AddIOp::create(b, loc(), warpFirstRow,
                                index(mTileStride * (mTiles - 1) + kMmaM - 1))};
}

Value FragmentLayoutKernelBuilder::getSlotRow(int64_t k) {
  return arith::AddIOp::create(b, loc(), laneFirstRow,
                               index(mTileStride * (k / 2) + 8 * (k % 2)));
}

Value FragmentLayoutKernelBuilder::slotExists(int64_t) {
  return arith::ConstantIntOp::create(b, loc(), 1, 1);
}

FailureOr<ColumnRuns>
FragmentLayoutKernelBuilder::getColumnRuns(Operation *op, int64_t columns) {
  if (columns % kMmaN != 0)
    return op->emitOpError() << "has rows of " << columns
                             << " columns: the tensor-core layouts split "
                                "rows into tiles of "
                             << kMmaN;
  ColumnRuns runs;
  runs.runLength = 2;
  runs.runStride = kMmaN;
  runs.runs = columns / kMmaN;
  runs.first = arith::MulIOp::create(b, loc(), laneInGroup, index(2));
  return runs;
}

Value FragmentLayoutKernelBuilder::combineAcrossRow(Value v, bool isMax) {
  return buildQuadReduce(b, loc(), v, isMax);
}

Value FragmentLayoutKernelBuilder::writesRowValues() {
  return arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::eq,
                               laneInGroup, index(0));
}

SmallVector<SmallVector<Value>>
FragmentLayoutKernelBuilder::unpackFragments(Value tile,
                                             RankedTensorType type) {
  SmallVector<SmallVector<Value>> fragments;
  for (Value row : unpackRows(tile, type)) {
    fragments.emplace_back();
    for (int64_t j = 0, e = cast<VectorType>(row.getType()).getNumElements();
         j < e; ++j)
      fragments.back().push_back(vector::ExtractOp::create(b, loc(), row, j));
  }
  return fragments;
}

Value FragmentLayoutKernelBuilder::packFragments(
    VectorType threadType, RankedTensorType type,
    ArrayRef<SmallVector<Value>> fragments) {
  SmallVector<Value> rows;
  for (ArrayRef<Value> row : fragments) {
    auto rowType = VectorType::get({int64_t(row.size())},
                                   row.front().getType());
    rows.push_back(
        vector::FromElementsOp::create(b, loc(), rowType, row).getResult());
  }
  return packRows(threadType, type, rows);
}

LogicalResult FragmentLayoutKernelBuilder::checkProductShape(DotOp op,
                                                             StringRef layout) {
  Type elementType = op.getRhs().getType().getElementType();
  if (!elementType.isBF16() && !elementType.isF16())
    return op.emitOpError() << "multiplies " << elementType << " tiles: the "
                            << layout << " layout takes bf16 or f16";
  int64_t depth = op.getLhs().getType().getDimSize(1);
  int64_t columns = op.getAcc().getType().getDimSize(1);
  if (depth % kMmaK != 0 || columns % (2 * kMmaN) != 0)
    return op.emitOpError()
           << "is a " << blockM << "x" << columns << "x" << depth
           << " product: the " << layout
           << " layout runs products whose reduction and result columns are "
              "multiples of 16";
  return success();
}
