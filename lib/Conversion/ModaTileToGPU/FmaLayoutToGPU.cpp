//===- FmaLayoutToGPU.cpp - tile programs on CUDA cores -------------------===//
//
// The fma (SIMT) layout: thread t holds whole rows of the block's tiles,
// rows t, t + numThreads, ... (its row slots), every column of each. Tiles
// every thread reads (keys, values, depth entries) live in shared memory,
// row-major; products are unrolled over the shared tile's rows: a score is
// a vector reduction of the query row times a key row, the accumulator row
// an FMA of a probability and a value row.
//
//===----------------------------------------------------------------------===//

#include "TileKernelBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

class FmaKernelBuilder : public TileKernelBuilder {
public:
  using TileKernelBuilder::TileKernelBuilder;

private:
  LogicalResult setUpThread() override {
    rowSlots = llvm::divideCeil(blockM, numThreads);
    return success();
  }
  int64_t getRowSlots() const override { return rowSlots; }
  Value getSlotRow(int64_t k) override {
    return arith::AddIOp::create(b, loc(), threadId, index(k * numThreads));
  }
  Value slotExists(int64_t k) override {
    if ((k + 1) * numThreads <= blockM)
      return arith::ConstantIntOp::create(b, loc(), 1, 1);
    return arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::slt,
                                 getSlotRow(k), index(blockM));
  }
  FailureOr<ColumnRuns> getColumnRuns(Operation *, int64_t columns) override {
    ColumnRuns runs;
    runs.runLength = runs.runStride = columns;
    runs.runs = 1;
    runs.first = index(0);
    return runs;
  }
  Value combineAcrossRow(Value v, bool) override { return v; }
  /// A thread runs its products alone: its own rows.
  std::pair<Value, Value> getProductGroupRows() override {
    return {threadId, arith::AddIOp::create(b, loc(), threadId,
                                            index((rowSlots - 1) * numThreads))};
  }
  Value writesRowValues() override {
    return arith::ConstantIntOp::create(b, loc(), 1, 1);
  }
  LogicalResult emitDot(DotOp op) override;

  int64_t rowSlots = 0;
};

LogicalResult FmaKernelBuilder::emitDot(DotOp op) {
  FailureOr<VectorType> accType = getThreadType(op, op.getAcc().getType());
  if (failed(accType) || failed(getThreadType(op, op.getLhs().getType())))
    return failure();
  RankedTensorType rhsType = op.getRhs().getType();
  const SharedTile &shared = getSharedTile(op.getRhs());
  int64_t rhsRows = rhsType.getDimSize(0), rowLength = rhsType.getDimSize(1);
  auto sharedRowType = VectorType::get({rowLength}, rhsType.getElementType());
  auto toF32 = [&](Value v) -> Value {
    Type f32 = b.getF32Type();
    if (getElementTypeOrSelf(v.getType()) == f32)
      return v;
    Type type = f32;
    if (auto vector = dyn_cast<VectorType>(v.getType()))
      type = vector.clone(f32);
    return arith::ExtFOp::create(b, loc(), type, v);
  };
  SmallVector<Value> lhs =
      unpackRows(mapped(op.getLhs()), op.getLhs().getType());
  SmallVector<Value> acc =
      unpackRows(mapped(op.getAcc()), op.getAcc().getType());
  if (op.getTransposeRhs())
    for (Value &row : lhs)
      row = toF32(row);
  // Each shared row is read once and used by all of the thread's rows.
  for (int64_t j = 0; j < rhsRows; ++j) {
    Value rowStart =
        arith::AddIOp::create(b, loc(), shared.base, index(j * rowLength));
    Value sharedRow = toF32(vector::LoadOp::create(
        b, loc(), sharedRowType, shared.buffer, ValueRange{rowStart}));
    for (int64_t k = 0; k < rowSlots; ++k) {
      if (op.getTransposeRhs()) {
        // score[k][j] += <lhs row k, rhs row j>
        Value old = vector::ExtractOp::create(b, loc(), acc[k], j);
        Value product = arith::MulFOp::create(b, loc(), lhs[k], sharedRow);
        Value score = vector::ReductionOp::create(
            b, loc(), vector::CombiningKind::ADD, product, old);
        acc[k] = vector::InsertOp::create(b, loc(), score, acc[k], j);
      } else {
        // acc[k] += lhs[k][j] * rhs row j
        Value weight =
            toF32(vector::ExtractOp::create(b, loc(), lhs[k], j));
        acc[k] = vector::FMAOp::create(
            b, loc(), splat(cast<VectorType>(acc[k].getType()), weight),
            sharedRow, acc[k]);
      }
    }
  }
  mapping.map(op.getResult(),
              packRows(*accType, op.getAcc().getType(), acc));
  return success();
}

} // namespace

LogicalResult mlir::moda::buildFmaLayoutKernel(func::FuncOp program,
                                               gpu::GPUFuncOp kernel,
                                               const SharedTilePlan &plan,
                                               int64_t numThreads) {
  return FmaKernelBuilder(program, kernel, plan, numThreads).build();
}
