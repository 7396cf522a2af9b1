//===- FmaLayoutToGPU.cpp - tile programs on CUDA cores -------------------===//
//
// The fma (SIMT) layout: a tile of the block's rows, tensor<block_m x N>,
// becomes in each thread the vector<R x N> of its R rows (row slots
// thread + k * numThreads); a per-row state tensor<block_m> a vector<R>.
// Tiles every thread reads (keys, values, depth entries) live in shared
// memory. Products are unrolled over the shared tile's rows: a score is a
// vector reduction of the query row times a key row, the accumulator row
// an FMA of a probability and a value row. The softmax arithmetic is
// SoftmaxMath.cpp's and the masks Visibility.cpp's, as on the host.
//
//===----------------------------------------------------------------------===//

#include "FmaLayoutToGPU.h"

#include "VectorCopy.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/ModaTile/IR/RowLayout.h"
#include "moda/Dialect/ModaTile/IR/SoftmaxMath.h"
#include "moda/Dialect/ModaTile/IR/Visibility.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

class FmaKernelBuilder {
public:
  FmaKernelBuilder(func::FuncOp program, gpu::GPUFuncOp kernel,
                   const SharedTilePlan &plan, int64_t numThreads,
                   int64_t blockM)
      : program(program), kernel(kernel), plan(plan),
        numThreads(numThreads), blockM(blockM),
        rowsPerThread(llvm::divideCeil(blockM, numThreads)),
        b(kernel.getContext()) {}

  LogicalResult build();

private:
  Location loc() { return program.getLoc(); }
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, loc(), v); }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc(), b.getF32FloatAttr(v));
  }
  Value splat(VectorType type, Value scalar) {
    return vector::BroadcastOp::create(b, loc(), type, scalar);
  }
  Value mapped(Value v) { return mapping.lookup(v); }

  /// The thread's rows of a block tile, as the vector they live in, and the
/// rows one by one (vectors, or scalars for a per-row state).
  FailureOr<VectorType> getThreadType(Operation *op, RankedTensorType type);
  SmallVector<Value> unpackRows(Value rows, RankedTensorType tileType);
  Value packRows(VectorType type, RankedTensorType tileType,
                 ArrayRef<Value> rows);
  /// Block row of the thread's k-th row slot, and whether that slot holds
  /// one of the block's rows.
  Value rowSlot(int64_t k);
  Value slotExists(int64_t k);

  LogicalResult emitBlock(Block &block);
  LogicalResult emit(Operation *op);
  LogicalResult emitRowLoad(LoadOp op);
  LogicalResult emitSharedLoad(LoadOp op);
  LogicalResult emitStore(StoreOp op);
  LogicalResult emitDot(DotOp op);
  LogicalResult emitMask(MaskOp op);
  LogicalResult emitSoftmaxUpdate(SoftmaxUpdateOp op);
  LogicalResult emitScaleRows(ScaleRowsOp op);
  LogicalResult emitFinalize(FinalizeOp op);
  LogicalResult emitConstant(arith::ConstantOp op);
  LogicalResult emitFor(scf::ForOp op);

  func::FuncOp program;
  gpu::GPUFuncOp kernel;
  const SharedTilePlan &plan;
  int64_t numThreads, blockM, rowsPerThread;
  OpBuilder b;
  IRMapping mapping;
  Value threadId;
};

FailureOr<VectorType> FmaKernelBuilder::getThreadType(Operation *op,
                                                      RankedTensorType type) {
  if (type.getRank() < 1 || type.getRank() > 2 || type.getDimSize(0) != blockM)
    return op->emitOpError() << "has a tile " << type
                             << " that is not rows of the block (" << blockM
                             << " rows): the fma layout cannot place it";
  // One-dimensional, so that the NVVM lowering takes every vector op: the
  // thread's rows one after the other.
  int64_t rowLength = type.getRank() == 2 ? type.getDimSize(1) : 1;
  return VectorType::get({rowsPerThread * rowLength}, type.getElementType());
}

SmallVector<Value> FmaKernelBuilder::unpackRows(Value rows,
                                                RankedTensorType tileType) {
  SmallVector<Value> result;
  for (int64_t k = 0; k < rowsPerThread; ++k) {
    if (tileType.getRank() == 1) {
      result.push_back(vector::ExtractOp::create(b, loc(), rows, k));
      continue;
    }
    int64_t rowLength = tileType.getDimSize(1);
    result.push_back(vector::ExtractStridedSliceOp::create(
        b, loc(), rows, /*offsets=*/{k * rowLength}, /*sizes=*/{rowLength},
        /*strides=*/{1}));
  }
  return result;
}

Value FmaKernelBuilder::packRows(VectorType type, RankedTensorType tileType,
                                 ArrayRef<Value> rows) {
  Value result = arith::ConstantOp::create(
      b, loc(), DenseElementsAttr::get(
                    type, b.getFloatAttr(type.getElementType(), 0.0)));
  for (auto [k, row] : llvm::enumerate(rows)) {
    if (tileType.getRank() == 1) {
      result = vector::InsertOp::create(b, loc(), row, result, int64_t(k));
      continue;
    }
    result = vector::InsertStridedSliceOp::create(
        b, loc(), row, result,
        /*offsets=*/{int64_t(k) * tileType.getDimSize(1)}, /*strides=*/{1});
  }
  return result;
}

Value FmaKernelBuilder::rowSlot(int64_t k) {
  return arith::AddIOp::create(b, loc(), threadId, index(k * numThreads));
}

Value FmaKernelBuilder::slotExists(int64_t k) {
  if ((k + 1) * numThreads <= blockM)
    return arith::ConstantIntOp::create(b, loc(), 1, 1);
  return arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::slt,
                               rowSlot(k), index(blockM));
}

LogicalResult FmaKernelBuilder::emitRowLoad(LoadOp op) {
  FailureOr<VectorType> type = getThreadType(op, op.getResult().getType());
  if (failed(type))
    return failure();
  LoadOp::Adaptor operands(llvm::map_to_vector(op->getOperands(),
                                               [&](Value v) {
                                                 return mapped(v);
                                               }),
                           op);
  RankedTensorType tileType = op.getResult().getType();
  auto rowType = VectorType::get({tileType.getDimSize(1)},
                                 tileType.getElementType());
  SmallVector<Value> rows;
  for (int64_t k = 0; k < rowsPerThread; ++k) {
    Value row = arith::AddIOp::create(b, loc(), operands.getFirst(),
                                      rowSlot(k));
    Value valid = arith::AndIOp::create(
        b, loc(), slotExists(k),
        arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::slt, row,
                              operands.getEnd()));
    auto read = scf::IfOp::create(
        b, loc(), valid,
        [&](OpBuilder &then, Location l) {
          Value offset = buildRowOffset(then, l, op.getRows(),
                                        operands.getBatch(),
                                        operands.getHead(), row,
                                        operands.getExtent(),
                                        rowType.getDimSize(0));
          Value data = vector::LoadOp::create(then, l, rowType,
                                              operands.getBuffer(),
                                              ValueRange{offset});
          scf::YieldOp::create(then, l, data);
        },
        [&](OpBuilder &otherwise, Location l) {
          Value zeros = arith::ConstantOp::create(
              otherwise, l,
              DenseElementsAttr::get(
                  rowType,
                  otherwise.getFloatAttr(rowType.getElementType(), 0.0)));
          scf::YieldOp::create(otherwise, l, zeros);
        });
    rows.push_back(read.getResult(0));
  }
  mapping.map(op.getResult(), packRows(*type, tileType, rows));
  return success();
}

LogicalResult FmaKernelBuilder::emitSharedLoad(LoadOp op) {
  if (CopyAttr copy = op.getCopyAttr();
      copy && copy.getKind() != CopyKind::Vector)
    return op.emitOpError() << "has copy kind '"
                            << stringifyCopyKind(copy.getKind())
                            << "', which the fma layout's GPU lowering does "
                               "not implement (it copies with vector loads)";
  RankedTensorType tileType = op.getResult().getType();
  int64_t vectorWidth = getVectorWidth(tileType.getElementType());
  if (tileType.getDimSize(1) % vectorWidth != 0)
    return op.emitOpError() << "has rows of " << tileType.getDimSize(1)
                            << " elements: the vector copy moves 16-byte "
                               "chunks, "
                            << vectorWidth << " elements each";
  Value buffer =
      kernel.getWorkgroupAttributions()[plan.bufferOf.lookup(op)];
  LoadOp::Adaptor operands(llvm::map_to_vector(op->getOperands(),
                                               [&](Value v) {
                                                 return mapped(v);
                                               }),
                           op);
  // Every earlier reader of the buffer is done before it is overwritten,
  // and the whole tile is in place before anyone reads it.
  gpu::BarrierOp::create(b, loc());
  emitVectorTileCopy(b, loc(), op, operands, buffer, threadId, numThreads);
  gpu::BarrierOp::create(b, loc());
  mapping.map(op.getResult(), buffer);
  return success();
}

LogicalResult FmaKernelBuilder::emitStore(StoreOp op) {
  RankedTensorType tileType = op.getTile().getType();
  if (failed(getThreadType(op, tileType)))
    return failure();
  bool perRowValue = tileType.getRank() == 1; // lse
  int64_t rowLength = perRowValue ? 1 : tileType.getDimSize(1);
  SmallVector<Value> rows = unpackRows(mapped(op.getTile()), tileType);
  for (int64_t k = 0; k < rowsPerThread; ++k) {
    Value row = arith::AddIOp::create(b, loc(), mapped(op.getFirst()),
                                      rowSlot(k));
    Value valid = arith::AndIOp::create(
        b, loc(), slotExists(k),
        arith::CmpIOp::create(b, loc(), arith::CmpIPredicate::slt, row,
                              mapped(op.getEnd())));
    auto write = scf::IfOp::create(b, loc(), valid, /*withElse=*/false);
    OpBuilder then = write.getThenBodyBuilder();
    Value offset = buildRowOffset(then, loc(), op.getRows(),
                                  mapped(op.getBatch()), mapped(op.getHead()),
                                  row, mapped(op.getExtent()), rowLength);
    if (perRowValue)
      memref::StoreOp::create(then, loc(), rows[k], mapped(op.getBuffer()),
                              offset);
    else
      vector::StoreOp::create(then, loc(), rows[k], mapped(op.getBuffer()),
                              offset);
  }
  return success();
}

LogicalResult FmaKernelBuilder::emitDot(DotOp op) {
  auto rhsLoad = op.getRhs().getDefiningOp<LoadOp>();
  if (!rhsLoad || !SharedTilePlan::isShared(rhsLoad))
    return op.emitOpError("has a right operand that is not a tile of keys, "
                          "values or depth entries: the fma layout reads it "
                          "from shared memory");
  FailureOr<VectorType> accType = getThreadType(op, op.getAcc().getType());
  if (failed(accType) || failed(getThreadType(op, op.getLhs().getType())))
    return failure();
  RankedTensorType rhsType = op.getRhs().getType();
  Value shared = mapped(op.getRhs());
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
    Value sharedRow = toF32(vector::LoadOp::create(
        b, loc(), sharedRowType, shared, ValueRange{index(j * rowLength)}));
    for (int64_t k = 0; k < rowsPerThread; ++k) {
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

LogicalResult FmaKernelBuilder::emitMask(MaskOp op) {
  FailureOr<VectorType> type = getThreadType(op, op.getScores().getType());
  if (failed(type))
    return failure();
  RankedTensorType scoresType = op.getScores().getType();
  int64_t columns = scoresType.getDimSize(1);
  auto rowType = VectorType::get({columns}, b.getF32Type());
  auto indexRowType = VectorType::get({columns}, b.getIndexType());
  Value steps = arith::ConstantOp::create(
      b, loc(), DenseElementsAttr::get(
                    indexRowType,
                    llvm::to_vector(llvm::map_range(
                        llvm::seq<int64_t>(0, columns), [&](int64_t c) {
                          return Attribute(b.getIndexAttr(c));
                        }))));
  Value column = arith::AddIOp::create(
      b, loc(), splat(indexRowType, mapped(op.getFirstColumn())), steps);
  VisibilitySizes sizes{mapped(op.getQueries()), mapped(op.getKeys()),
                        mapped(op.getDepth())};
  SmallVector<Value> rows = unpackRows(mapped(op.getScores()), scoresType);
  for (int64_t k = 0; k < rowsPerThread; ++k) {
    Value row = arith::AddIOp::create(b, loc(), mapped(op.getFirstRow()),
                                      rowSlot(k));
    Value position =
        arith::DivUIOp::create(b, loc(), row, index(op.getGroup()));
    Value visible = buildIsVisible(b, loc(), op.getVisibility(), position,
                                   column, sizes);
    rows[k] = arith::SelectOp::create(b, loc(), visible, rows[k],
                                      splat(rowType, f32(-INFINITY)));
  }
  mapping.map(op.getResult(), packRows(*type, scoresType, rows));
  return success();
}

LogicalResult FmaKernelBuilder::emitSoftmaxUpdate(SoftmaxUpdateOp op) {
  FailureOr<VectorType> tileType = getThreadType(op, op.getScores().getType());
  FailureOr<VectorType> stateType = getThreadType(op, op.getMax().getType());
  if (failed(tileType) || failed(stateType))
    return failure();
  double exp2Scale = op.getExp2Scale().convertToDouble();
  RankedTensorType scoresType = op.getScores().getType();
  RankedTensorType rowStateType = op.getMax().getType();
  auto rowType = VectorType::get({scoresType.getDimSize(1)}, b.getF32Type());
  SmallVector<Value> scores = unpackRows(mapped(op.getScores()), scoresType);
  SmallVector<Value> maxes = unpackRows(mapped(op.getMax()), rowStateType);
  SmallVector<Value> sums = unpackRows(mapped(op.getSum()), rowStateType);
  SmallVector<Value> newMax, probs, rescale, newSum;
  for (int64_t k = 0; k < rowsPerThread; ++k) {
    Value tileMax = vector::ReductionOp::create(
        b, loc(), vector::CombiningKind::MAXIMUMF, scores[k]);
    Value max = arith::MaximumFOp::create(b, loc(), maxes[k], tileMax);
    Value base = buildSafeMax(b, loc(), max);
    Value p = buildScaledExp2(b, loc(), scores[k], splat(rowType, base),
                              exp2Scale);
    Value factor = buildScaledExp2(b, loc(), maxes[k], base, exp2Scale);
    Value tileSum = vector::ReductionOp::create(
        b, loc(), vector::CombiningKind::ADD, p);
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

LogicalResult FmaKernelBuilder::emitScaleRows(ScaleRowsOp op) {
  FailureOr<VectorType> type = getThreadType(op, op.getTile().getType());
  if (failed(type))
    return failure();
  RankedTensorType tileType = op.getTile().getType();
  auto rowType = VectorType::get({tileType.getDimSize(1)}, b.getF32Type());
  SmallVector<Value> rows = unpackRows(mapped(op.getTile()), tileType);
  SmallVector<Value> factors =
      unpackRows(mapped(op.getFactors()), op.getFactors().getType());
  for (int64_t k = 0; k < rowsPerThread; ++k)
    rows[k] = arith::MulFOp::create(b, loc(), rows[k],
                                    splat(rowType, factors[k]));
  mapping.map(op.getResult(), packRows(*type, tileType, rows));
  return success();
}

LogicalResult FmaKernelBuilder::emitFinalize(FinalizeOp op) {
  FailureOr<VectorType> outType = getThreadType(op, op.getOut().getType());
  FailureOr<VectorType> lseType = getThreadType(op, op.getLse().getType());
  if (failed(outType) || failed(lseType))
    return failure();
  double exp2Scale = op.getExp2Scale().convertToDouble();
  RankedTensorType rowStateType = op.getMax().getType();
  auto rowType =
      VectorType::get({op.getAcc().getType().getDimSize(1)}, b.getF32Type());
  SmallVector<Value> acc =
      unpackRows(mapped(op.getAcc()), op.getAcc().getType());
  SmallVector<Value> maxes = unpackRows(mapped(op.getMax()), rowStateType);
  SmallVector<Value> sums = unpackRows(mapped(op.getSum()), rowStateType);
  SmallVector<Value> out, lse;
  for (int64_t k = 0; k < rowsPerThread; ++k) {
    out.push_back(buildNormalizedOutput(b, loc(), acc[k],
                                        splat(rowType, sums[k]),
                                        op.getOut().getType().getElementType()));
    lse.push_back(buildLogSumExp(b, loc(), maxes[k], sums[k], exp2Scale));
  }
  mapping.map(op.getOut(), packRows(*outType, op.getOut().getType(), out));
  mapping.map(op.getLse(), packRows(*lseType, rowStateType, lse));
  return success();
}

LogicalResult FmaKernelBuilder::emitConstant(arith::ConstantOp op) {
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
    return op.emitOpError("is a tile constant that is not a splat: the fma "
                          "layout gives each thread its own rows of it only "
                          "for splats");
  mapping.map(op.getResult(),
              arith::ConstantOp::create(
                  b, loc(), DenseElementsAttr::get(
                                *threadType,
                                value.getSplatValue<Attribute>())));
  return success();
}

LogicalResult FmaKernelBuilder::emitFor(scf::ForOp op) {
  SmallVector<Value> inits =
      llvm::map_to_vector(op.getInitArgs(), [&](Value v) { return mapped(v); });
  auto loop = scf::ForOp::create(b, loc(), mapped(op.getLowerBound()),
                                 mapped(op.getUpperBound()),
                                 mapped(op.getStep()), inits);
  mapping.map(op.getInductionVar(), loop.getInductionVar());
  mapping.map(op.getRegionIterArgs(), loop.getRegionIterArgs());
  {
    OpBuilder::InsertionGuard guard(b);
    Block *body = loop.getBody();
    // A loop with results has no terminator yet; one without has a yield
    // the source's yield replaces.
    if (!body->empty())
      body->back().erase();
    b.setInsertionPointToEnd(body);
    if (failed(emitBlock(*op.getBody())))
      return failure();
  }
  mapping.map(op.getResults(), loop.getResults());
  return success();
}

LogicalResult FmaKernelBuilder::emit(Operation *op) {
  // Tiles of keys, values or depth entries live in shared memory and are
  // only ever a product's right operand; everything else is the threads'
  // rows.
  if (isa<ModaTileDialect>(op->getDialect())) {
    for (OpOperand &operand : op->getOpOperands()) {
      auto dot = dyn_cast<DotOp>(op);
      if (!isa<RankedTensorType>(operand.get().getType()) ||
          (dot && operand.getOperandNumber() == 1))
        continue;
      if (!isa<VectorType>(mapped(operand.get()).getType()))
        return op->emitOpError()
               << "uses a tile of keys, values or depth entries as rows of "
                  "the block (operand "
               << operand.getOperandNumber()
               << "): the fma layout keeps those in shared memory";
    }
  }
  return TypeSwitch<Operation *, LogicalResult>(op)
      .Case([&](ProgramIdOp id) {
        auto dimension = static_cast<gpu::Dimension>(id.getAxis());
        mapping.map(id.getResult(),
                    gpu::BlockIdOp::create(b, loc(), dimension).getResult());
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
      .Case([&](LoadOp load) {
        return SharedTilePlan::isShared(load) ? emitSharedLoad(load)
                                              : emitRowLoad(load);
      })
      .Case([&](StoreOp store) { return emitStore(store); })
      .Case([&](DotOp dot) { return emitDot(dot); })
      .Case([&](MaskOp mask) { return emitMask(mask); })
      .Case([&](SoftmaxUpdateOp update) { return emitSoftmaxUpdate(update); })
      .Case([&](ScaleRowsOp scale) { return emitScaleRows(scale); })
      .Case([&](FinalizeOp finalize) { return emitFinalize(finalize); })
      .Case([&](arith::ConstantOp constant) { return emitConstant(constant); })
      .Case([&](scf::ForOp loop) { return emitFor(loop); })
      .Case([&](scf::YieldOp yield) {
        scf::YieldOp::create(b, loc(),
                             llvm::map_to_vector(yield.getOperands(),
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
              "is not an op the fma layout's GPU lowering knows how to "
              "distribute over the block's threads");
        b.clone(*other, mapping);
        return success();
      });
}

LogicalResult FmaKernelBuilder::emitBlock(Block &block) {
  for (Operation &op : block)
    if (failed(emit(&op)))
      return failure();
  return success();
}

LogicalResult FmaKernelBuilder::build() {
  Block &entry = kernel.getBody().front();
  b.setInsertionPointToStart(&entry);
  mapping.map(program.getArguments(),
              entry.getArguments().take_front(program.getNumArguments()));
  threadId = gpu::ThreadIdOp::create(b, loc(), gpu::Dimension::x);
  return emitBlock(program.front());
}

} // namespace

LogicalResult mlir::moda::buildFmaLayoutKernel(func::FuncOp program,
                                               gpu::GPUFuncOp kernel,
                                               const SharedTilePlan &plan,
                                               int64_t numThreads) {
  LoadOp query = getQueryRowsLoad(program);
  if (!query)
    return program.emitOpError("is a tile program that loads no query rows");
  int64_t blockM = query.getResult().getType().getDimSize(0);
  return FmaKernelBuilder(program, kernel, plan, numThreads, blockM).build();
}
