//===- MmaSyncLayoutToGPU.cpp - tile programs on warp-level tensor cores --===//
//
// The mma_sync layout (sm_80+): warp w owns block rows
// [w * block_m / num_warps, (w + 1) * block_m / num_warps), in m-tiles of
// 16 rows; of each m-tile a lane holds rows lane / 4 and lane / 4 + 8 (its
// row slots 2m and 2m + 1) and, of every 8-column tile of a row, columns
// 2 * (lane % 4) + {0, 1}: the m16n8 accumulator layout (WarpMma.h), for
// every tile of the block's rows. So a product's accumulator is already in
// place, the query rows and the probabilities are already the A operand of
// the next product (two 8-column tiles are one k16 step), and a row's max
// and sum combine over the four lanes of the row.
//
// Products are m16n8k16 mma.sync; the right operand comes from shared
// memory with ldmatrix (K as stored for Q K^T, V transposed for P V), from
// tiles the plan swizzles so that ldmatrix's eight rows hit distinct banks.
//
//===----------------------------------------------------------------------===//

#include "TileKernelBuilder.h"

#include "../NVVMPrimitives/WarpMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

class MmaSyncKernelBuilder : public TileKernelBuilder {
public:
  using TileKernelBuilder::TileKernelBuilder;

private:
  LogicalResult setUpThread() override;
  int64_t getRowSlots() const override { return 2 * mTiles; }
  Value getSlotRow(int64_t k) override {
    return arith::AddIOp::create(
        b, loc(), laneFirstRow, index(kMmaM * (k / 2) + 8 * (k % 2)));
  }
  Value slotExists(int64_t) override {
    return arith::ConstantIntOp::create(b, loc(), 1, 1);
  }
  FailureOr<ColumnRuns> getColumnRuns(Operation *op,
                                      int64_t columns) override;
  Value combineAcrossRow(Value v, bool isMax) override {
    return buildQuadReduce(b, loc(), v, isMax);
  }
  Value writesRowValues() override {
    return arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::eq,
                                 laneInGroup, index(0));
  }
  LogicalResult emitDot(DotOp op) override;

  /// The four 16-bit pairs of an m16k16 A operand: m-tile m, k-step s of
  /// the thread's rows `rows` (each a vector of its columns).
  SmallVector<Value, 4> getOperandA(ArrayRef<Value> rows, int64_t m,
                                    int64_t s, Type elementType);

  int64_t mTiles = 0;
  Value lane, laneInGroup, laneFirstRow;
};

LogicalResult MmaSyncKernelBuilder::setUpThread() {
  int64_t numWarps = numThreads / 32;
  if (blockM % (kMmaM * numWarps) != 0)
    return program.emitOpError()
           << "has blocks of " << blockM << " rows: the mma_sync layout "
           << "gives each of its " << numWarps
           << " warps whole 16-row tiles";
  mTiles = blockM / (kMmaM * numWarps);
  Value warp = arith::DivUIOp::create(b, loc(), threadId, index(32));
  lane = arith::RemUIOp::create(b, loc(), threadId, index(32));
  laneInGroup = arith::RemUIOp::create(b, loc(), lane, index(4));
  Value laneGroup = arith::DivUIOp::create(b, loc(), lane, index(4));
  laneFirstRow = arith::AddIOp::create(
      b, loc(),
      arith::MulIOp::create(b, loc(), warp, index(mTiles * kMmaM)),
      laneGroup);
  return success();
}

FailureOr<ColumnRuns> MmaSyncKernelBuilder::getColumnRuns(Operation *op,
                                                          int64_t columns) {
  if (columns % kMmaN != 0)
    return op->emitOpError() << "has rows of " << columns
                             << " columns: the mma_sync layout splits rows "
                                "into tiles of "
                             << kMmaN;
  ColumnRuns runs;
  runs.runLength = 2;
  runs.runStride = kMmaN;
  runs.runs = columns / kMmaN;
  runs.first = arith::MulIOp::create(b, loc(), laneInGroup, index(2));
  return runs;
}

SmallVector<Value, 4>
MmaSyncKernelBuilder::getOperandA(ArrayRef<Value> rows, int64_t m, int64_t s,
                                  Type elementType) {
  // Registers: (row, columns 16s..+7), (row + 8, same), (row, 16s+8..+15),
  // (row + 8, same); the thread's elements 4s, 4s+1 are its pair of the
  // first 8 columns, 4s+2, 4s+3 of the second.
  auto pair = [&](Value row, int64_t element) -> Value {
    if (getElementTypeOrSelf(row.getType()) == elementType)
      return buildSlice(b, loc(), row, element, 2);
    return buildPackedPair(
        b, loc(), elementType,
        vector::ExtractOp::create(b, loc(), row, element),
        vector::ExtractOp::create(b, loc(), row, element + 1));
  };
  return {pair(rows[2 * m], 4 * s), pair(rows[2 * m + 1], 4 * s),
          pair(rows[2 * m], 4 * s + 2), pair(rows[2 * m + 1], 4 * s + 2)};
}

LogicalResult MmaSyncKernelBuilder::emitDot(DotOp op) {
  RankedTensorType lhsType = op.getLhs().getType();
  RankedTensorType rhsType = op.getRhs().getType();
  RankedTensorType accType = op.getAcc().getType();
  Type elementType = rhsType.getElementType();
  if (!elementType.isBF16() && !elementType.isF16())
    return op.emitOpError() << "multiplies " << elementType
                            << " tiles: mma.sync takes bf16 or f16";
  FailureOr<VectorType> accThreadType = getThreadType(op, accType);
  if (failed(accThreadType) || failed(getThreadType(op, lhsType)))
    return failure();
  int64_t depth = lhsType.getDimSize(1), columns = accType.getDimSize(1);
  if (depth % kMmaK != 0 || columns % (2 * kMmaN) != 0)
    return op.emitOpError()
           << "is a " << blockM << "x" << columns << "x" << depth
           << " product: the mma_sync layout runs products whose reduction "
              "and result columns are multiples of 16";
  const SharedTile &shared = getSharedTile(op.getRhs());
  bool transposed = op.getTransposeRhs();

  SmallVector<Value> lhs = unpackRows(mapped(op.getLhs()), lhsType);
  // The accumulator's scalars: slot k's element 2n + c is c of n-tile n.
  SmallVector<Value> accRows = unpackRows(mapped(op.getAcc()), accType);
  int64_t rowElements = columns / 4;
  SmallVector<SmallVector<Value>> acc;
  for (Value row : accRows) {
    acc.emplace_back();
    for (int64_t j = 0; j < rowElements; ++j)
      acc.back().push_back(vector::ExtractOp::create(b, loc(), row, j));
  }

  // The lane's row and column of the four 8x8 matrices one ldmatrix reads:
  // lanes 8i .. 8i + 7 address matrix i's rows. Q K^T reads K (rows are the
  // result's columns) as stored: (n 0-7, k 0-7), (n 0-7, k 8-15),
  // (n 8-15, k 0-7), (n 8-15, k 8-15). P V reads V (rows are the reduction)
  // transposed: (k 0-7, n 0-7), (k 8-15, n 0-7), (k 0-7, n 8-15),
  // (k 8-15, n 8-15). Either way registers {0, 1} are the B operand of the
  // first n-tile and {2, 3} of the second.
  Value laneRow = arith::RemUIOp::create(b, loc(), lane, index(8));
  Value matrixLow = arith::RemUIOp::create(
      b, loc(), arith::DivUIOp::create(b, loc(), lane, index(8)), index(2));
  Value matrixHigh = arith::DivUIOp::create(b, loc(), lane, index(16));
  Value eight = index(8);
  Value rowPart = arith::AddIOp::create(
      b, loc(), laneRow,
      arith::MulIOp::create(b, loc(), transposed ? matrixHigh : matrixLow,
                            eight));
  Value columnPart = arith::MulIOp::create(
      b, loc(), transposed ? matrixLow : matrixHigh, eight);

  for (int64_t s = 0; s < depth / kMmaK; ++s) {
    SmallVector<SmallVector<Value, 4>> a;
    for (int64_t m = 0; m < mTiles; ++m)
      a.push_back(getOperandA(lhs, m, s, elementType));
    for (int64_t p = 0; p < columns / (2 * kMmaN); ++p) {
      // Q K^T: K rows 16p.., columns 16s..; P V: V rows 16s.., columns 16p...
      int64_t rowBase = transposed ? 16 * p : 16 * s;
      int64_t columnBase = transposed ? 16 * s : 16 * p;
      Value offset = arith::AddIOp::create(
          b, loc(), shared.base,
          shared.encoding->buildOffset(
              b, loc(),
              arith::AddIOp::create(b, loc(), rowPart, index(rowBase)),
              arith::AddIOp::create(b, loc(), columnPart, index(columnBase))));
      SmallVector<Value, 4> bRegs = buildLoadMatrixX4(
          b, loc(), elementType, shared.buffer, ValueRange{offset},
          !transposed);
      for (int64_t m = 0; m < mTiles; ++m)
        for (int64_t t = 0; t < 2; ++t) {
          int64_t n = 2 * p + t;
          SmallVector<Value, 4> c = {acc[2 * m][2 * n], acc[2 * m][2 * n + 1],
                                     acc[2 * m + 1][2 * n],
                                     acc[2 * m + 1][2 * n + 1]};
          SmallVector<Value, 4> d = buildWarpMma(
              b, loc(), elementType, a[m], {bRegs[2 * t], bRegs[2 * t + 1]},
              c);
          acc[2 * m][2 * n] = d[0];
          acc[2 * m][2 * n + 1] = d[1];
          acc[2 * m + 1][2 * n] = d[2];
          acc[2 * m + 1][2 * n + 1] = d[3];
        }
    }
  }
  SmallVector<Value> rows;
  auto rowType = VectorType::get({rowElements}, b.getF32Type());
  for (ArrayRef<Value> row : acc)
    rows.push_back(
        vector::FromElementsOp::create(b, loc(), rowType, row).getResult());
  mapping.map(op.getResult(), packRows(*accThreadType, accType, rows));
  return success();
}

} // namespace

LogicalResult mlir::moda::buildMmaSyncLayoutKernel(func::FuncOp program,
                                                   gpu::GPUFuncOp kernel,
                                                   const SharedTilePlan &plan,
                                                   int64_t numThreads) {
  return MmaSyncKernelBuilder(program, kernel, plan, numThreads).build();
}
