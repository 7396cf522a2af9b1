//===- MmaSyncLayoutToGPU.cpp - tile programs on warp-level tensor cores --===//
//
// The mma_sync layout (sm_80+): warp w owns block rows
// [w * block_m / num_warps, (w + 1) * block_m / num_warps), in m-tiles of
// 16 rows, each distributed as the m16n8 accumulator fragment
// (FragmentLayout.h).
//
// Products are m16n8k16 mma.sync; the right operand comes from shared
// memory with ldmatrix (K as stored for Q K^T, V transposed for P V), from
// tiles the plan swizzles so that ldmatrix's eight rows hit distinct banks.
//
//===----------------------------------------------------------------------===//

#include "FragmentLayout.h"

#include "../NVVMPrimitives/WarpMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

class MmaSyncKernelBuilder : public FragmentLayoutKernelBuilder {
public:
  using FragmentLayoutKernelBuilder::FragmentLayoutKernelBuilder;

private:
  LogicalResult setUpThread() override {
    int64_t numWarps = numThreads / 32;
    if (blockM % (kMmaM * numWarps) != 0)
      return program.emitOpError()
             << "has blocks of " << blockM << " rows: the mma_sync layout "
             << "gives each of its " << numWarps
             << " warps whole 16-row tiles";
    int64_t tiles = blockM / (kMmaM * numWarps);
    Value warp = arith::DivUIOp::create(b, loc(), threadId, index(32));
    setLaneRows(arith::MulIOp::create(b, loc(), warp, index(tiles * kMmaM)),
                tiles, kMmaM);
    return success();
  }
  LogicalResult emitDot(DotOp op) override;
};

LogicalResult MmaSyncKernelBuilder::emitDot(DotOp op) {
  RankedTensorType lhsType = op.getLhs().getType();
  RankedTensorType accType = op.getAcc().getType();
  Type elementType = op.getRhs().getType().getElementType();
  FailureOr<VectorType> accThreadType = getThreadType(op, accType);
  if (failed(accThreadType) || failed(getThreadType(op, lhsType)) ||
      failed(checkProductShape(op, "mma_sync")))
    return failure();
  int64_t depth = lhsType.getDimSize(1), columns = accType.getDimSize(1);
  const SharedTile &shared = getSharedTile(op.getRhs());
  bool transposed = op.getTransposeRhs();

  SmallVector<Value> lhs = unpackRows(mapped(op.getLhs()), lhsType);
  SmallVector<SmallVector<Value>> acc =
      unpackFragments(mapped(op.getAcc()), accType);

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
      a.push_back(buildFragmentOperandA(b, loc(), lhs[2 * m], lhs[2 * m + 1],
                                          s, elementType));
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
  mapping.map(op.getResult(), packFragments(*accThreadType, accType, acc));
  return success();
}

} // namespace

SmallVector<Value, 4> mlir::moda::buildFragmentOperandA(OpBuilder &b,
                                                        Location loc,
                                                        Value top,
                                                        Value bottom,
                                                        int64_t step,
                                                        Type elementType) {
  // Registers: (top, columns 16s..+7), (bottom, same), (top, 16s+8..+15),
  // (bottom, same); the thread's elements 4s, 4s+1 are its pair of the
  // first 8 columns, 4s+2, 4s+3 of the second.
  auto pair = [&](Value row, int64_t element) -> Value {
    if (getElementTypeOrSelf(row.getType()) == elementType)
      return buildSlice(b, loc, row, element, 2);
    return buildPackedPair(b, loc, elementType,
                           vector::ExtractOp::create(b, loc, row, element),
                           vector::ExtractOp::create(b, loc, row, element + 1));
  };
  return {pair(top, 4 * step), pair(bottom, 4 * step),
          pair(top, 4 * step + 2), pair(bottom, 4 * step + 2)};
}

LogicalResult mlir::moda::buildMmaSyncLayoutKernel(func::FuncOp program,
                                                   gpu::GPUFuncOp kernel,
                                                   const SharedTilePlan &plan,
                                                   int64_t numThreads) {
  return MmaSyncKernelBuilder(program, kernel, plan, numThreads).build();
}
