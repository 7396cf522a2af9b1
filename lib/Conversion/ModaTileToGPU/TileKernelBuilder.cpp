//===- TileKernelBuilder.cpp - a tile program as each thread runs it ------===//
//
// The layout-independent part of the GPU lowering: everything but the
// products, written against the layout's row slots and column runs. The
// softmax arithmetic is SoftmaxMath.cpp's, the masks Visibility.cpp's and
// the addressing RowLayout.cpp's, as on the host.
//
//===----------------------------------------------------------------------===//

#include "TileKernelBuilder.h"

#include "TileCopy.h"

#include "moda/Dialect/ModaTile/IR/RowLayout.h"
#include "moda/Dialect/ModaTile/IR/SoftmaxMath.h"
#include "moda/Dialect/ModaTile/IR/PackedSequences.h"
#include "moda/Dialect/ModaTile/IR/PagedKeys.h"
#include "moda/Dialect/ModaTile/IR/Visibility.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

TileKernelBuilder::TileKernelBuilder(func::FuncOp program,
                                     gpu::GPUFuncOp kernel,
                                     const SharedTilePlan &plan,
                                     int64_t numThreads)
    : program(program), kernel(kernel), plan(plan), numThreads(numThreads),
      b(kernel.getContext()) {}

Value TileKernelBuilder::index(int64_t v) {
  return arith::ConstantIndexOp::create(b, loc(), v);
}

Value TileKernelBuilder::f32(double v) {
  return arith::ConstantOp::create(b, loc(), b.getF32FloatAttr(v));
}

Value TileKernelBuilder::splat(VectorType type, Value scalar) {
  return vector::BroadcastOp::create(b, loc(), type, scalar);
}

Value mlir::moda::buildSlice(OpBuilder &b, Location loc, Value vector,
                             int64_t offset, int64_t size) {
  SmallVector<int64_t> mask =
      llvm::to_vector(llvm::seq<int64_t>(offset, offset + size));
  return vector::ShuffleOp::create(b, loc, vector, vector, mask);
}

Value mlir::moda::buildWithSlice(OpBuilder &b, Location loc, Value vector,
                                 Value slice, int64_t offset) {
  int64_t length = cast<VectorType>(vector.getType()).getNumElements();
  int64_t size = cast<VectorType>(slice.getType()).getNumElements();
  // Shuffle indices past `length` pick from `slice`.
  SmallVector<int64_t> mask;
  for (int64_t i = 0; i < length; ++i)
    mask.push_back(i >= offset && i < offset + size ? length + i - offset : i);
  return vector::ShuffleOp::create(b, loc, vector, slice, mask);
}

/// The asynchronous copy that made `future`, through the loops carrying it.
static AsyncLoadOp getOrigin(Value future) {
  if (auto copy = future.getDefiningOp<AsyncLoadOp>())
    return copy;
  auto argument = dyn_cast<BlockArgument>(future);
  if (!argument)
    return {};
  auto loop = dyn_cast<scf::ForOp>(argument.getOwner()->getParentOp());
  if (!loop || argument.getArgNumber() == 0)
    return {};
  return getOrigin(loop.getInitArgs()[argument.getArgNumber() - 1]);
}

FailureOr<VectorType> TileKernelBuilder::getThreadType(Operation *op,
                                                       RankedTensorType type) {
  // Statistics of the columns (tensor<1xN>): the thread's columns of one
  // row, the same for all its rows.
  if (type.getRank() == 2 && type.getDimSize(0) == 1 && blockM != 1) {
    FailureOr<ColumnRuns> runs = getColumnRuns(op, type.getDimSize(1));
    if (failed(runs))
      return failure();
    return VectorType::get({runs->getNumColumns()}, type.getElementType());
  }
  if (type.getRank() < 1 || type.getRank() > 2 || type.getDimSize(0) != blockM)
    return op->emitOpError() << "has a tile " << type
                             << " that is not rows of the block (" << blockM
                             << " rows): the layout cannot place it";
  int64_t rowLength = 1;
  if (type.getRank() == 2) {
    FailureOr<ColumnRuns> runs = getColumnRuns(op, type.getDimSize(1));
    if (failed(runs))
      return failure();
    rowLength = runs->getNumColumns();
  }
  // One-dimensional, so that the NVVM lowering takes every vector op: the
  // thread's rows one after the other.
  return VectorType::get({getRowSlots() * rowLength}, type.getElementType());
}

SmallVector<Value> TileKernelBuilder::unpackRows(Value rows,
                                                 RankedTensorType tileType) {
  auto vectorType = cast<VectorType>(rows.getType());
  int64_t slots = getRowSlots();
  int64_t rowLength = vectorType.getNumElements() / slots;
  SmallVector<Value> result;
  for (int64_t k = 0; k < slots; ++k) {
    if (tileType.getRank() == 1) {
      result.push_back(vector::ExtractOp::create(b, loc(), rows, k));
      continue;
    }
    result.push_back(buildSlice(b, loc(), rows, k * rowLength, rowLength));
  }
  return result;
}

Value TileKernelBuilder::packRows(VectorType type, RankedTensorType tileType,
                                  ArrayRef<Value> rows) {
  Value result = arith::ConstantOp::create(
      b, loc(), DenseElementsAttr::get(
                    type, b.getFloatAttr(type.getElementType(), 0.0)));
  int64_t rowLength = type.getNumElements() / getRowSlots();
  for (auto [k, row] : llvm::enumerate(rows)) {
    if (tileType.getRank() == 1) {
      result = vector::InsertOp::create(b, loc(), row, result, int64_t(k));
      continue;
    }
    result = buildWithSlice(b, loc(), result, row, int64_t(k) * rowLength);
  }
  return result;
}

Value TileKernelBuilder::isRowInside(int64_t k, Value row, Value end) {
  return arith::AndIOp::create(
      b, loc(), slotExists(k),
      arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::slt, row, end));
}

LogicalResult TileKernelBuilder::emitRowLoad(LoadOp op) {
  RankedTensorType tileType = op.getResult().getType();
  FailureOr<VectorType> type = getThreadType(op, tileType);
  if (failed(type))
    return failure();
  FailureOr<ColumnRuns> runs = getColumnRuns(op, tileType.getDimSize(1));
  if (failed(runs))
    return failure();
  // The adaptor refers to the vector: it must outlive it.
  SmallVector<Value> kernelOperands = llvm::map_to_vector(
      op->getOperands(), [&](Value v) { return mapped(v); });
  LoadOp::Adaptor operands(kernelOperands, op);
  Type elementType = tileType.getElementType();
  auto rowType = VectorType::get({runs->getNumColumns()}, elementType);
  auto runType = VectorType::get({runs->runLength}, elementType);
  // Runs start at multiples of their length, rows at multiples of the
  // 16-byte aligned row length, tensors on 16-byte boundaries (the runtime
  // refuses others): each run is aligned to its own size, up to 16 bytes.
  llvm::Align alignment(std::min<int64_t>(
      16, runs->runLength * elementType.getIntOrFloatBitWidth() / 8));
  SmallVector<Value> rows;
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    Value row = arith::AddIOp::create(b, loc(), operands.getFirst(),
                                      getSlotRow(k));
    auto read = scf::IfOp::create(
        b, loc(), isRowInside(k, row, operands.getEnd()),
        [&](OpBuilder &then, Location l) {
          Value offset = arith::AddIOp::create(
              then, l,
              buildRowOffset(then, l,
                             rowAddressOf(op, tileType.getDimSize(1)), row),
              runs->first);
          Value data = arith::ConstantOp::create(
              then, l,
              DenseElementsAttr::get(rowType,
                                     then.getFloatAttr(elementType, 0.0)));
          for (int64_t r = 0; r < runs->runs; ++r) {
            Value at = arith::AddIOp::create(
                then, l, offset,
                arith::ConstantIndexOp::create(then, l, r * runs->runStride));
            Value run = vector::LoadOp::create(then, l, runType,
                                               operands.getBuffer(),
                                               ValueRange{at}, false,
                                               alignment);
            data = runs->runs == 1
                       ? run
                       : buildWithSlice(then, l, data, run,
                                        r * runs->runLength);
          }
          scf::YieldOp::create(then, l, data);
        },
        [&](OpBuilder &otherwise, Location l) {
          Value zeros = arith::ConstantOp::create(
              otherwise, l,
              DenseElementsAttr::get(rowType,
                                     otherwise.getFloatAttr(elementType, 0.0)));
          scf::YieldOp::create(otherwise, l, zeros);
        });
    rows.push_back(read.getResult(0));
  }
  mapping.map(op.getResult(), packRows(*type, tileType, rows));
  return success();
}

FailureOr<Value> TileKernelBuilder::getThreadColumns(Operation *op,
                                                    int64_t columns,
                                                    Value first) {
  FailureOr<ColumnRuns> runs = getColumnRuns(op, columns);
  if (failed(runs))
    return failure();
  int64_t count = runs->getNumColumns();
  auto indexRowType = VectorType::get({count}, b.getIndexType());
  Value offsets = arith::ConstantOp::create(
      b, loc(), DenseElementsAttr::get(
                    indexRowType,
                    llvm::to_vector(llvm::map_range(
                        llvm::seq<int64_t>(0, count), [&](int64_t j) {
                          return Attribute(b.getIndexAttr(runs->getOffset(j)));
                        }))));
  Value firstColumn = arith::AddIOp::create(b, loc(), first, runs->first);
  return arith::AddIOp::create(b, loc(), splat(indexRowType, firstColumn),
                               offsets)
      .getResult();
}

FailureOr<Value> TileKernelBuilder::readThreadColumns(Operation *op,
                                                      RankedTensorType tileType,
                                                      Value buffer,
                                                      Value base) {
  FailureOr<VectorType> type = getThreadType(op, tileType);
  FailureOr<ColumnRuns> runs = getColumnRuns(op, tileType.getDimSize(1));
  if (failed(type) || failed(runs))
    return failure();
  auto runType = VectorType::get({runs->runLength}, b.getF32Type());
  Value values = arith::ConstantOp::create(
      b, loc(), DenseElementsAttr::get(*type, b.getF32FloatAttr(0.0)));
  Value first = arith::AddIOp::create(b, loc(), base, runs->first);
  for (int64_t r = 0; r < runs->runs; ++r) {
    Value at = arith::AddIOp::create(b, loc(), first,
                                     index(r * runs->runStride));
    Value run =
        vector::LoadOp::create(b, loc(), runType, buffer, ValueRange{at});
    values = runs->runs == 1 ? run
                             : buildWithSlice(b, loc(), values, run,
                                              r * runs->runLength);
  }
  return values;
}

LogicalResult TileKernelBuilder::emitRowValuesLoad(LoadOp op) {
  RankedTensorType tileType = op.getResult().getType();
  FailureOr<VectorType> type = getThreadType(op, tileType);
  if (failed(type))
    return failure();
  Value first = mapped(op.getFirst()), end = mapped(op.getEnd());
  auto readRow = [&](Value row) -> Value {
    auto read = scf::IfOp::create(
        b, loc(),
        arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::slt, row, end),
        [&](OpBuilder &then, Location l) {
          Value offset =
              buildRowOffset(then, l, rowAddressOf(op, /*rowLength=*/1), row);
          scf::YieldOp::create(
              then, l,
              memref::LoadOp::create(then, l, mapped(op.getBuffer()), offset)
                  .getResult());
        },
        [&](OpBuilder &otherwise, Location l) {
          scf::YieldOp::create(
              otherwise, l,
              arith::ConstantOp::create(otherwise, l,
                                        otherwise.getF32FloatAttr(0.0))
                  .getResult());
        });
    return read.getResult(0);
  };
  if (tileType.getRank() == 2) { // the thread's columns
    // Every thread holding a column needs its value: the block reads each
    // once into shared memory (a thread per column), then each thread its
    // columns' runs from there, at offsets known when compiling.
    Value buffer = sharedBuffers[plan.bufferOf.lookup(op)];
    // Earlier readers of the buffer are done before it is overwritten.
    if (!afterBarrier)
      gpu::BarrierOp::create(b, loc());
    TileSource source{rowAddressOf(op, /*rowLength=*/1), tileType,
                      CopyKind::Vector, mapped(op.getBuffer()), first, end};
    emitColumnStatisticsCopy(b, loc(), source, buffer, index(0), threadId,
                             numThreads);
    gpu::BarrierOp::create(b, loc());
    FailureOr<Value> values =
        readThreadColumns(op, tileType, buffer, index(0));
    if (failed(values))
      return failure();
    mapping.map(op.getResult(), *values);
    return success();
  }
  SmallVector<Value> rows;
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k)
    rows.push_back(readRow(
        arith::AddIOp::create(b, loc(), first, getSlotRow(k))));
  mapping.map(op.getResult(), packRows(*type, tileType, rows));
  return success();
}

LogicalResult TileKernelBuilder::emitSharedLoad(LoadOp op) {
  CopyKind kind =
      op.getCopyAttr() ? op.getCopyAttr().getKind() : CopyKind::Vector;
  RankedTensorType type = op.getResult().getType();
  TileSource source{rowAddressOf(op, type.getDimSize(type.getRank() - 1)),
                    type,
                    kind,
                    mapped(op.getBuffer()),
                    mapped(op.getFirst()),
                    mapped(op.getEnd())};
  unsigned bufferIndex = plan.bufferOf.lookup(op);
  Value buffer = sharedBuffers[bufferIndex];
  // Every earlier reader of the buffer is done before it is overwritten,
  // and the whole tile is in place before anyone reads it.
  gpu::BarrierOp::create(b, loc());
  if (failed(emitSharedTileCopy(b, loc(), op, source, buffer, index(0),
                                plan.encodings[bufferIndex], threadId,
                                numThreads)))
    return failure();
  if (kind == CopyKind::CpAsync) {
    emitAsyncCopyCommit(b, loc());
    emitAsyncCopyWait(b, loc(), 0);
  }
  orderSharedWritesBeforeProducts();
  gpu::BarrierOp::create(b, loc());
  sharedTiles[op.getResult()] = {buffer, index(0),
                                 sharedAddresses[bufferIndex],
                                 &plan.encodings[bufferIndex]};
  return success();
}

LogicalResult TileKernelBuilder::emitAsyncLoad(AsyncLoadOp op) {
  RankedTensorType type = op.getResult().getType().getTile();
  TileSource source{rowAddressOf(op, type.getDimSize(type.getRank() - 1)),
                    type,
                    op.getCopy().getKind(),
                    mapped(op.getBuffer()),
                    mapped(op.getFirst()),
                    mapped(op.getEnd())};
  unsigned bufferIndex = plan.bufferOf.lookup(op);
  Value buffer = sharedBuffers[bufferIndex];
  // The slot was last read an iteration ago (or by an earlier loop): every
  // thread is done with it before the batch's copies overwrite it. Right
  // after a wait (which ends in a barrier) they are.
  if (!afterBarrier)
    gpu::BarrierOp::create(b, loc());
  Value slot = mapped(op.getSlot());
  Value base =
      arith::MulIOp::create(b, loc(), slot, index(type.getNumElements()));
  if (isColumnStatistics(op))
    emitColumnStatisticsCopy(b, loc(), source, buffer, base, threadId,
                             numThreads);
  else if (failed(emitSharedTileCopy(b, loc(), op, source, buffer, base,
                                     plan.encodings[bufferIndex], threadId,
                                     numThreads)))
    return failure();
  // On the GPU a future is the slot its tile lands in.
  mapping.map(op.getResult(), slot);
  return success();
}

LogicalResult TileKernelBuilder::emitWait(WaitOp op) {
  emitAsyncCopyWait(b, loc(), op.getPending());
  // The thread's copies are done; after the barrier everyone's are.
  orderSharedWritesBeforeProducts();
  gpu::BarrierOp::create(b, loc());
  for (auto [future, tile] : llvm::zip_equal(op.getFutures(), op.getTiles())) {
    AsyncLoadOp origin = getOrigin(future);
    if (!origin)
      return op.emitOpError("waits for a future whose copy is not known "
                            "here (it does not come from a moda_tile."
                            "async_load through the loops carrying it)");
    unsigned bufferIndex = plan.bufferOf.lookup(origin);
    auto tileType = cast<RankedTensorType>(tile.getType());
    Value base = arith::MulIOp::create(b, loc(), mapped(future),
                                       index(tileType.getNumElements()));
    // Column statistics go on to the threads holding the columns, in
    // registers; the other tiles stay where products read them.
    if (isColumnStatistics(origin)) {
      FailureOr<Value> values = readThreadColumns(
          op, tileType, sharedBuffers[bufferIndex], base);
      if (failed(values))
        return failure();
      mapping.map(tile, *values);
      continue;
    }
    sharedTiles[tile] = {sharedBuffers[bufferIndex], base,
                         sharedAddresses[bufferIndex],
                         &plan.encodings[bufferIndex]};
  }
  return success();
}

LogicalResult TileKernelBuilder::emitStore(StoreOp op) {
  RankedTensorType tileType = op.getTile().getType();
  if (failed(getThreadType(op, tileType)))
    return failure();
  SmallVector<Value> rows = unpackRows(mapped(op.getTile()), tileType);
  if (tileType.getRank() == 1) { // lse: one value per row
    Value writer = writesRowValues();
    for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
      Value row = arith::AddIOp::create(b, loc(), mapped(op.getFirst()),
                                        getSlotRow(k));
      Value valid = arith::AndIOp::create(
          b, loc(), writer, isRowInside(k, row, mapped(op.getEnd())));
      auto write = scf::IfOp::create(b, loc(), valid, /*withElse=*/false);
      OpBuilder then = write.getThenBodyBuilder();
      Value offset =
          buildRowOffset(then, loc(), rowAddressOf(op, /*rowLength=*/1), row);
      memref::StoreOp::create(then, loc(), rows[k], mapped(op.getBuffer()),
                              offset);
    }
    return success();
  }
  FailureOr<ColumnRuns> runs = getColumnRuns(op, tileType.getDimSize(1));
  if (failed(runs))
    return failure();
  Type elementType = tileType.getElementType();
  llvm::Align alignment(std::min<int64_t>(
      16, runs->runLength * elementType.getIntOrFloatBitWidth() / 8));
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    Value row = arith::AddIOp::create(b, loc(), mapped(op.getFirst()),
                                      getSlotRow(k));
    auto write = scf::IfOp::create(
        b, loc(), isRowInside(k, row, mapped(op.getEnd())), /*withElse=*/false);
    OpBuilder then = write.getThenBodyBuilder();
    Value offset = arith::AddIOp::create(
        then, loc(),
        buildRowOffset(then, loc(), rowAddressOf(op, tileType.getDimSize(1)),
                       row),
        runs->first);
    for (int64_t r = 0; r < runs->runs; ++r) {
      Value run = runs->runs == 1
                      ? rows[k]
                      : buildSlice(then, loc(), rows[k], r * runs->runLength,
                                   runs->runLength);
      Value at = arith::AddIOp::create(
          then, loc(), offset,
          arith::ConstantIndexOp::create(then, loc(), r * runs->runStride));
      vector::StoreOp::create(then, loc(), run, mapped(op.getBuffer()),
                              ValueRange{at}, false, alignment);
    }
  }
  return success();
}

LogicalResult TileKernelBuilder::emitMask(MaskOp op) {
  RankedTensorType scoresType = op.getScores().getType();
  FailureOr<VectorType> type = getThreadType(op, scoresType);
  if (failed(type))
    return failure();
  FailureOr<ColumnRuns> runs = getColumnRuns(op, scoresType.getDimSize(1));
  if (failed(runs))
    return failure();
  int64_t columns = runs->getNumColumns();
  auto rowType = VectorType::get({columns}, b.getF32Type());
  FailureOr<Value> column = getThreadColumns(op, scoresType.getDimSize(1),
                                             mapped(op.getFirstColumn()));
  if (failed(column))
    return failure();
  VisibilitySizes sizes{mapped(op.getQueries()), mapped(op.getKeys()),
                        mapped(op.getDepth())};
  SmallVector<Value> rows = unpackRows(mapped(op.getScores()), scoresType);
  // The thread's columns in 32 bits (they are key, depth-entry or folded
  // query indices, far below 2^31): the vector lives across every row slot,
  // and half the registers leave room for products in flight.
  auto columnType = VectorType::get({columns}, b.getI32Type());
  Value columns32 = arith::IndexCastOp::create(b, loc(), columnType, *column);
  Value columnPositions;
  if (op.getTransposed()) // the columns are folded query rows
    columnPositions = arith::DivUIOp::create(
        b, loc(), columns32,
        splat(columnType, arith::ConstantIntOp::create(b, loc(), b.getI32Type(),
                                                       op.getGroup())));
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    Value row = arith::AddIOp::create(b, loc(), mapped(op.getFirstRow()),
                                      getSlotRow(k));
    Value visible =
        op.getTransposed()
            ? buildIsSeenBy(b, loc(), op.getVisibility(), row,
                            columnPositions, sizes)
            : buildIsVisible(
                  b, loc(), op.getVisibility(),
                  arith::DivUIOp::create(b, loc(), row, index(op.getGroup())),
                  columns32, sizes);
    rows[k] = arith::SelectOp::create(b, loc(), visible, rows[k],
                                      splat(rowType, f32(-INFINITY)));
  }
  mapping.map(op.getResult(), packRows(*type, scoresType, rows));
  return success();
}

LogicalResult TileKernelBuilder::emitSoftmaxUpdate(SoftmaxUpdateOp op) {
  FailureOr<VectorType> tileType = getThreadType(op, op.getScores().getType());
  FailureOr<VectorType> stateType = getThreadType(op, op.getMax().getType());
  if (failed(tileType) || failed(stateType))
    return failure();
  double exp2Scale = op.getExp2Scale().convertToDouble();
  RankedTensorType scoresType = op.getScores().getType();
  RankedTensorType rowStateType = op.getMax().getType();
  SmallVector<Value> scores = unpackRows(mapped(op.getScores()), scoresType);
  SmallVector<Value> maxes = unpackRows(mapped(op.getMax()), rowStateType);
  SmallVector<Value> sums = unpackRows(mapped(op.getSum()), rowStateType);
  SmallVector<Value> newMax, probs, rescale, newSum;
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    auto rowType = cast<VectorType>(scores[k].getType());
    Value tileMax = combineAcrossRow(
        vector::ReductionOp::create(b, loc(), vector::CombiningKind::MAXIMUMF,
                                    scores[k]),
        /*isMax=*/true);
    Value max = arith::MaximumFOp::create(b, loc(), maxes[k], tileMax);
    Value base = buildSafeMax(b, loc(), max);
    Value p = buildScaledExp2(b, loc(), scores[k], splat(rowType, base),
                              exp2Scale);
    Value factor = buildRescaleFactor(b, loc(), maxes[k], base, exp2Scale);
    // The running sum stays this thread's share of its row (the rescale is
    // the row's, so shares update independently); finalize combines them,
    // once, instead of every step.
    Value tileSum =
        vector::ReductionOp::create(b, loc(), vector::CombiningKind::ADD, p);
    newMax.push_back(max);
    probs.push_back(p);
    rescale.push_back(factor);
    newSum.push_back(buildUpdatedSum(b, loc(), sums[k], factor, tileSum));
  }
  mapping.map(op.getNewMax(), packRows(*stateType, rowStateType, newMax));
  mapping.map(op.getProbs(), packRows(*tileType, scoresType, probs));
  mapping.map(op.getRescale(), packRows(*stateType, rowStateType, rescale));
  mapping.map(op.getNewSum(), packRows(*stateType, rowStateType, newSum));
  return success();
}

LogicalResult TileKernelBuilder::emitScaleRows(ScaleRowsOp op) {
  RankedTensorType tileType = op.getTile().getType();
  FailureOr<VectorType> type = getThreadType(op, tileType);
  if (failed(type))
    return failure();
  SmallVector<Value> rows = unpackRows(mapped(op.getTile()), tileType);
  SmallVector<Value> factors =
      unpackRows(mapped(op.getFactors()), op.getFactors().getType());
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k)
    rows[k] = arith::MulFOp::create(
        b, loc(), rows[k],
        splat(cast<VectorType>(rows[k].getType()), factors[k]));
  mapping.map(op.getResult(), packRows(*type, tileType, rows));
  return success();
}

LogicalResult TileKernelBuilder::emitMergePartial(MergePartialOp op) {
  RankedTensorType tileType = op.getPartial().getType();
  RankedTensorType rowStateType = op.getMax().getType();
  FailureOr<VectorType> type = getThreadType(op, tileType);
  FailureOr<VectorType> stateType = getThreadType(op, rowStateType);
  if (failed(type) || failed(stateType))
    return failure();
  SmallVector<Value> partial = unpackRows(mapped(op.getPartial()), tileType);
  SmallVector<Value> acc = unpackRows(mapped(op.getAcc()), tileType);
  SmallVector<Value> partialLse =
      unpackRows(mapped(op.getPartialLse()), rowStateType);
  SmallVector<Value> maxes = unpackRows(mapped(op.getMax()), rowStateType);
  SmallVector<Value> sums = unpackRows(mapped(op.getSum()), rowStateType);
  // The sum is carried as the shares of the threads that hold a row
  // (emitSoftmaxUpdate) and combined by finalize: one of them adds the
  // weight.
  Value addsWeight = writesRowValues();
  SmallVector<Value> newMax, newSum, newAcc;
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    auto rowType = cast<VectorType>(acc[k].getType());
    MergeWeights weights =
        buildMergeWeights(b, loc(), maxes[k], partialLse[k]);
    Value share =
        arith::SelectOp::create(b, loc(), addsWeight, weights.weight, f32(0));
    newMax.push_back(weights.newMax);
    newSum.push_back(
        buildUpdatedSum(b, loc(), sums[k], weights.rescale, share));
    Value kept = arith::MulFOp::create(b, loc(), acc[k],
                                       splat(rowType, weights.rescale));
    newAcc.push_back(math::FmaOp::create(
        b, loc(), partial[k], splat(rowType, weights.weight), kept));
  }
  mapping.map(op.getNewMax(), packRows(*stateType, rowStateType, newMax));
  mapping.map(op.getNewSum(), packRows(*stateType, rowStateType, newSum));
  mapping.map(op.getNewAcc(), packRows(*type, tileType, newAcc));
  return success();
}

LogicalResult TileKernelBuilder::emitFinalize(FinalizeOp op) {
  FailureOr<VectorType> outType = getThreadType(op, op.getOut().getType());
  FailureOr<VectorType> lseType = getThreadType(op, op.getLse().getType());
  if (failed(outType) || failed(lseType))
    return failure();
  double exp2Scale = op.getExp2Scale().convertToDouble();
  RankedTensorType rowStateType = op.getMax().getType();
  SmallVector<Value> acc =
      unpackRows(mapped(op.getAcc()), op.getAcc().getType());
  SmallVector<Value> maxes = unpackRows(mapped(op.getMax()), rowStateType);
  SmallVector<Value> sums = unpackRows(mapped(op.getSum()), rowStateType);
  SmallVector<Value> out, lse;
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    auto rowType = cast<VectorType>(acc[k].getType());
    // The row's sum from its threads' shares (emitSoftmaxUpdate).
    sums[k] = combineAcrossRow(sums[k], /*isMax=*/false);
    out.push_back(buildNormalizedOutput(b, loc(), acc[k],
                                        splat(rowType, sums[k]),
                                        op.getOut().getType().getElementType()));
    lse.push_back(buildLogSumExp(b, loc(), maxes[k], sums[k], exp2Scale));
  }
  mapping.map(op.getOut(), packRows(*outType, op.getOut().getType(), out));
  mapping.map(op.getLse(), packRows(*lseType, rowStateType, lse));
  return success();
}

SmallVector<Value>
TileKernelBuilder::broadcastStatistics(Value statistics,
                                       ArrayRef<Value> rows) {
  auto type = cast<RankedTensorType>(statistics.getType());
  if (type.getRank() == 2) // the thread's columns, for every row
    return SmallVector<Value>(rows.size(), mapped(statistics));
  SmallVector<Value> perRow = unpackRows(mapped(statistics), type);
  SmallVector<Value> result;
  for (auto [row, value] : llvm::zip_equal(rows, perRow))
    result.push_back(splat(cast<VectorType>(row.getType()), value));
  return result;
}

LogicalResult TileKernelBuilder::emitSoftmaxProbs(SoftmaxProbsOp op) {
  RankedTensorType scoresType = op.getScores().getType();
  FailureOr<VectorType> type = getThreadType(op, scoresType);
  if (failed(type) || failed(getThreadType(op, op.getLse().getType())))
    return failure();
  double exp2Scale = op.getExp2Scale().convertToDouble();
  SmallVector<Value> rows = unpackRows(mapped(op.getScores()), scoresType);
  SmallVector<Value> lse = broadcastStatistics(op.getLse(), rows);
  for (auto [row, rowLse] : llvm::zip_equal(rows, lse))
    row = buildProbsFromLse(b, loc(), row, rowLse, exp2Scale);
  mapping.map(op.getProbs(), packRows(*type, scoresType, rows));
  return success();
}

LogicalResult TileKernelBuilder::emitSoftmaxGrad(SoftmaxGradOp op) {
  RankedTensorType probsType = op.getProbs().getType();
  FailureOr<VectorType> type = getThreadType(op, probsType);
  if (failed(type) || failed(getThreadType(op, op.getDelta().getType())))
    return failure();
  double scale = op.getScale().convertToDouble();
  SmallVector<Value> probs = unpackRows(mapped(op.getProbs()), probsType);
  SmallVector<Value> dProbs = unpackRows(mapped(op.getDprobs()), probsType);
  SmallVector<Value> delta = broadcastStatistics(op.getDelta(), probs);
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k)
    probs[k] = buildScoreGradient(b, loc(), probs[k], dProbs[k], delta[k],
                                  scale);
  mapping.map(op.getResult(), packRows(*type, probsType, probs));
  return success();
}

LogicalResult TileKernelBuilder::emitRowDot(RowDotOp op) {
  RankedTensorType tileType = op.getLhs().getType();
  FailureOr<VectorType> type = getThreadType(op, op.getResult().getType());
  if (failed(type) || failed(getThreadType(op, tileType)))
    return failure();
  SmallVector<Value> lhs = unpackRows(mapped(op.getLhs()), tileType);
  SmallVector<Value> rhs = unpackRows(mapped(op.getRhs()), tileType);
  SmallVector<Value> sums;
  for (int64_t k = 0, e = getRowSlots(); k < e; ++k) {
    auto rowType = VectorType::get(
        {cast<VectorType>(lhs[k].getType()).getNumElements()}, b.getF32Type());
    auto toF32 = [&](Value v) -> Value {
      if (cast<VectorType>(v.getType()).getElementType().isF32())
        return v;
      return arith::ExtFOp::create(b, loc(), rowType, v);
    };
    Value products =
        arith::MulFOp::create(b, loc(), toF32(lhs[k]), toF32(rhs[k]));
    sums.push_back(combineAcrossRow(
        vector::ReductionOp::create(b, loc(), vector::CombiningKind::ADD,
                                    products),
        /*isMax=*/false));
  }
  mapping.map(op.getResult(),
              packRows(*type, op.getResult().getType(), sums));
  return success();
}

LogicalResult TileKernelBuilder::emitConvert(ConvertOp op) {
  FailureOr<VectorType> type = getThreadType(op, op.getResult().getType());
  if (failed(type))
    return failure();
  Value tile = mapped(op.getTile());
  if (type->getElementType() != cast<VectorType>(tile.getType()).getElementType())
    tile = arith::TruncFOp::create(b, loc(), *type, tile);
  mapping.map(op.getResult(), tile);
  return success();
}

LogicalResult TileKernelBuilder::emitConstant(arith::ConstantOp op) {
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type) {
    mapping.map(op.getResult(), b.clone(*op)->getResult(0));
    return success();
  }
  auto value = dyn_cast<DenseElementsAttr>(op.getValue());
  FailureOr<VectorType> threadType = getThreadType(op, type);
  if (failed(threadType))
    return failure();
  if (!value || !value.isSplat())
    return op.emitOpError("is a tile constant that is not a splat: a "
                          "layout gives each thread its own part of it only "
                          "for splats");
  mapping.map(op.getResult(),
              arith::ConstantOp::create(
                  b, loc(), DenseElementsAttr::get(
                                *threadType,
                                value.getSplatValue<Attribute>())));
  return success();
}

LogicalResult TileKernelBuilder::emitBlockInto(Block &source, Block *into) {
  OpBuilder::InsertionGuard guard(b);
  // A region built with results has no terminator yet; one without has a
  // yield the source's terminator replaces.
  if (!into->empty())
    into->back().erase();
  b.setInsertionPointToEnd(into);
  // What ran before the region may not have ended with a barrier.
  afterBarrier = false;
  return emitBlock(source);
}

LogicalResult TileKernelBuilder::emitFor(scf::ForOp op) {
  SmallVector<Value> inits =
      llvm::map_to_vector(op.getInitArgs(), [&](Value v) { return mapped(v); });
  auto loop = scf::ForOp::create(b, loc(), mapped(op.getLowerBound()),
                                 mapped(op.getUpperBound()),
                                 mapped(op.getStep()), inits);
  mapping.map(op.getInductionVar(), loop.getInductionVar());
  mapping.map(op.getRegionIterArgs(), loop.getRegionIterArgs());
  // The body also follows its previous iteration's reads.
  if (failed(emitBlockInto(*op.getBody(), loop.getBody())))
    return failure();
  mapping.map(op.getResults(), loop.getResults());
  return success();
}

LogicalResult TileKernelBuilder::emitIfSeen(IfSeenOp op) {
  auto [groupFirst, groupLast] = getProductGroupRows();
  Value seen = buildRowsMaySeeColumns(
      b, loc(), op.getVisibility(), mapped(op.getFirstRow()), groupFirst,
      groupLast, op.getGroup(), mapped(op.getFirstColumn()), op.getColumns(),
      {mapped(op.getQueries()), mapped(op.getKeys()), mapped(op.getDepth())});
  SmallVector<Value> carried =
      llvm::map_to_vector(op.getCarried(), [&](Value v) { return mapped(v); });
  auto branch = scf::IfOp::create(b, loc(), ValueRange(carried).getTypes(),
                                  seen, /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(branch.thenBlock());
    if (failed(emitBlock(op.getBody().front())))
      return failure();
    b.setInsertionPointToStart(branch.elseBlock());
    scf::YieldOp::create(b, loc(), carried);
  }
  mapping.map(op.getResults(), branch.getResults());
  return success();
}

LogicalResult TileKernelBuilder::emitIf(scf::IfOp op) {
  // A branch of the whole block (its condition is the same in every
  // thread: the program has no thread indexing), its results the threads'
  // parts.
  SmallVector<Type> types;
  for (Type type : op.getResultTypes()) {
    auto tile = dyn_cast<RankedTensorType>(type);
    if (!tile) {
      types.push_back(type);
      continue;
    }
    FailureOr<VectorType> threadType = getThreadType(op, tile);
    if (failed(threadType))
      return failure();
    types.push_back(*threadType);
  }
  auto branch = scf::IfOp::create(b, loc(), types, mapped(op.getCondition()),
                                  /*withElseRegion=*/true);
  // Either branch follows what the block did before it.
  for (auto [from, to] : {std::pair(&op.getThenRegion(), &branch.getThenRegion()),
                          std::pair(&op.getElseRegion(), &branch.getElseRegion())})
    if (!from->empty() && failed(emitBlockInto(from->front(), &to->front())))
      return failure();
  afterBarrier = false;
  mapping.map(op.getResults(), branch.getResults());
  return success();
}

LogicalResult TileKernelBuilder::emit(Operation *op) {
  // Shared tiles (keys, values, depth entries; query rows in the
  // backward's key-side programs; left operands read from shared memory)
  // are only ever read there by products; everything else is the threads'
  // parts of the block's rows.
  if (isa<ModaTileDialect>(op->getDialect())) {
    for (OpOperand &operand : op->getOpOperands()) {
      if (!isa<RankedTensorType>(operand.get().getType()) ||
          SharedTilePlan::readsFromShared(operand))
        continue;
      if (sharedTiles.count(operand.get()))
        return op->emitOpError()
               << "uses a tile that lives in shared memory (a product's "
                  "operand) as rows of the block (operand "
               << operand.getOperandNumber()
               << "): only products read it there";
    }
  }
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](ProgramIdOp id) {
        auto dimension = static_cast<gpu::Dimension>(id.getAxis());
        mapping.map(id.getResult(),
                    gpu::BlockIdOp::create(b, loc(), dimension).getResult());
        return success();
      })
      .Case([&](NumProgramsOp count) {
        auto dimension = static_cast<gpu::Dimension>(count.getAxis());
        mapping.map(count.getResult(),
                    gpu::GridDimOp::create(b, loc(), dimension).getResult());
        return success();
      })
      .Case([&](VisibleRangeOp range) {
        auto [begin, end] = buildVisibleRange(
            b, loc(), range.getVisibility(), mapped(range.getPosition()),
            {mapped(range.getQueries()), mapped(range.getKeys()),
             mapped(range.getDepth())});
        mapping.map(range.getBegin(), begin);
        mapping.map(range.getEnd(), end);
        return success();
      })
      .Case([&](SequenceBoundsOp bounds) {
        auto [begin, length] = buildSequenceBounds(
            b, loc(), mapped(bounds.getCuSeqlens()),
            mapped(bounds.getSequence()), mapped(bounds.getTokens()));
        mapping.map(bounds.getBegin(), begin);
        mapping.map(bounds.getLength(), length);
        return success();
      })
      .Case([&](PageLookupOp lookup) {
        auto [page, row] = buildPageLookup(
            b, loc(), mapped(lookup.getBlockTable()),
            mapped(lookup.getBatch()), mapped(lookup.getKey()),
            mapped(lookup.getPages()), lookup.getPageSize(),
            lookup.getPagesPerEntry());
        mapping.map(lookup.getPage(), page);
        mapping.map(lookup.getRow(), row);
        return success();
      })
      .Case([&](SeeingRangeOp range) {
        auto [begin, end] = buildSeeingRange(
            b, loc(), range.getVisibility(), mapped(range.getColumn()),
            {mapped(range.getQueries()), mapped(range.getKeys()),
             mapped(range.getDepth())});
        mapping.map(range.getBegin(), begin);
        mapping.map(range.getEnd(), end);
        return success();
      })
      .Case([&](LoadOp load) {
        if (load.getRows().getKind() == RowKind::Lse)
          return emitRowValuesLoad(load);
        return SharedTilePlan::isShared(load) ? emitSharedLoad(load)
                                              : emitRowLoad(load);
      })
      .Case([&](AsyncLoadOp copy) { return emitAsyncLoad(copy); })
      .Case([&](CommitOp) {
        emitAsyncCopyCommit(b, loc());
        return success();
      })
      .Case([&](WaitOp wait) { return emitWait(wait); })
      .Case([&](StoreOp store) { return emitStore(store); })
      .Case([&](DotOp dot) -> LogicalResult {
        if (!sharedTiles.count(dot.getRhs()))
          return dot.emitOpError(
              "has a right operand that is not a loaded tile: the GPU "
              "lowering reads it from shared memory");
        if (dot.getLhsFromShared() && !sharedTiles.count(dot.getLhs()))
          return dot.emitOpError(
              "reads its left operand from shared memory but it is not a "
              "tile loaded there");
        return emitDot(dot);
      })
      .Case([&](DotWaitOp wait) { return emitDotWait(wait); })
      .Case([&](MaskOp mask) { return emitMask(mask); })
      .Case([&](SoftmaxUpdateOp update) { return emitSoftmaxUpdate(update); })
      .Case([&](ScaleRowsOp scale) { return emitScaleRows(scale); })
      .Case([&](MergePartialOp merge) { return emitMergePartial(merge); })
      .Case([&](FinalizeOp finalize) { return emitFinalize(finalize); })
      .Case([&](SoftmaxProbsOp probs) { return emitSoftmaxProbs(probs); })
      .Case([&](SoftmaxGradOp grad) { return emitSoftmaxGrad(grad); })
      .Case([&](RowDotOp rowDot) { return emitRowDot(rowDot); })
      .Case([&](ConvertOp convert) { return emitConvert(convert); })
      .Case([&](arith::ConstantOp constant) { return emitConstant(constant); })
      .Case([&](scf::ForOp loop) { return emitFor(loop); })
      .Case([&](scf::IfOp branch) { return emitIf(branch); })
      .Case([&](IfSeenOp step) { return emitIfSeen(step); })
      // A loop's or a masked step's next values: an scf.yield of the
      // thread's parts either way.
      .Case<scf::YieldOp, tile::YieldOp>([&](Operation *yield) {
        scf::YieldOp::create(b, loc(),
                             llvm::map_to_vector(yield->getOperands(),
                                                 [&](Value v) {
                                                   return mapped(v);
                                                 }));
        return success();
      })
      .Case([&](func::ReturnOp) {
        gpu::ReturnOp::create(b, loc());
        return success();
      })
      .Default([&](Operation *other) -> LogicalResult {
        auto isTile = [](Type t) { return isa<TensorType>(t); };
        if (isa<ModaTileDialect>(other->getDialect()) ||
            llvm::any_of(other->getOperandTypes(), isTile) ||
            llvm::any_of(other->getResultTypes(), isTile) ||
            other->getNumRegions() != 0)
          return other->emitOpError(
              "is not an op the GPU lowering knows how to distribute over "
              "the block's threads");
        b.clone(*other, mapping);
        return success();
      });
}

LogicalResult TileKernelBuilder::emitDotWait(DotWaitOp op) {
  for (auto [tile, ready] : llvm::zip(op.getTiles(), op.getResults()))
    mapping.map(ready, mapped(tile));
  return success();
}

LogicalResult TileKernelBuilder::emitBlock(Block &block) {
  for (Operation &op : block) {
    if (failed(emit(&op)))
      return failure();
    // A wait and a shared load end in a barrier; products read shared
    // tiles (and loops hold products); nothing else touches them.
    if (isa<WaitOp>(op) || (isa<LoadOp>(op) && sharedTiles.count(op.getResult(0))))
      afterBarrier = true;
    else if (isa<DotOp, scf::ForOp, IfSeenOp>(op))
      afterBarrier = false;
  }
  return success();
}

void TileKernelBuilder::emitSharedBuffers() {
  if (plan.bufferTypes.empty())
    return;
  MLIRContext *ctx = b.getContext();
  auto workgroup = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Value bytes = gpu::DynamicSharedMemoryOp::create(
      b, loc(),
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), workgroup));
  // The launch aligns the dynamic shared memory to 16 bytes; the plan's
  // larger alignment is reached here, within the slack it asked for.
  Value start = memref::ExtractAlignedPointerAsIndexOp::create(b, loc(), bytes);
  Value alignedStart = index(0);
  if (plan.alignment > 16)
    alignedStart = arith::AndIOp::create(
        b, loc(), arith::SubIOp::create(b, loc(), index(0), start),
        index(plan.alignment - 1));
  for (auto [type, offset] :
       llvm::zip_equal(plan.bufferTypes, plan.byteOffsets)) {
    Value byteOffset =
        arith::AddIOp::create(b, loc(), alignedStart, index(offset));
    auto viewType = MemRefType::get(type.getShape(), type.getElementType(),
                                    MemRefLayoutAttrInterface(), workgroup);
    sharedBuffers.push_back(memref::ViewOp::create(b, loc(), viewType, bytes,
                                                   byteOffset, ValueRange{}));
    sharedAddresses.push_back(arith::IndexCastOp::create(
        b, loc(), b.getI64Type(),
        arith::AddIOp::create(b, loc(), start, byteOffset)));
  }
}

LogicalResult TileKernelBuilder::build() {
  // The block's rows: query rows, or keys or depth entries in the
  // backward's key-side programs.
  LoadOp blockRows = getBlockRowsLoad(program);
  if (!blockRows)
    return program.emitOpError("is a tile program that loads no rows of its "
                               "own (every tile it loads is streamed)");
  blockM = blockRows.getResult().getType().getDimSize(0);
  Block &entry = kernel.getBody().front();
  b.setInsertionPointToStart(&entry);
  mapping.map(program.getArguments(),
              entry.getArguments().take_front(program.getNumArguments()));
  threadId = gpu::ThreadIdOp::create(b, loc(), gpu::Dimension::x);
  emitSharedBuffers();
  if (failed(setUpThread()))
    return failure();
  return emitBlock(program.front());
}
