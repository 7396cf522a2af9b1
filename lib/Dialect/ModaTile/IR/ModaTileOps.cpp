//===- ModaTileOps.cpp - moda_tile operations: verifiers ------------------===//

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"
#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringExtras.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

#define GET_OP_CLASSES
#include "moda/Dialect/ModaTile/IR/ModaTileOps.cpp.inc"

/// Checks that `type` has rank `rank`; names it `what` in the diagnostic.
static LogicalResult verifyRank(Operation *op, StringRef what,
                                RankedTensorType type, int64_t rank) {
  if (type.getRank() != rank)
    return op->emitOpError() << what << " must have rank " << rank
                             << ", got " << type;
  if (!type.hasStaticShape())
    return op->emitOpError() << what << " must have a static shape, got "
                             << type;
  return success();
}

/// The strides of a row tile's tensor, when it has them: one per dimension
/// before the innermost (every dimension for lse rows; RowLayout.h says
/// which), and for depth rows the entries per position.
static LogicalResult verifyRowStrides(Operation *op, RowsAttr rows,
                                      ValueRange strides, Value entries) {
  if (strides.empty()) {
    if (entries)
      return op->emitOpError("takes `entries` only with the strides of "
                             "depth rows");
    return success();
  }
  ArrayRef<StringRef> names = getRowStrideNames(rows.getKind());
  size_t expected = names.size();
  if (strides.size() != expected)
    return op->emitOpError() << stringifyRowKind(rows.getKind())
                             << " rows take " << expected << " strides ("
                             << llvm::join(names, ", ") << "), got "
                             << strides.size();
  if ((rows.getKind() == RowKind::Depth) != bool(entries))
    return op->emitOpError(rows.getKind() == RowKind::Depth
                               ? "strided depth rows take `entries`, the "
                                 "depth entries per position"
                               : "takes `entries` only with the strides of "
                                 "depth rows");
  return success();
}

/// The row tile of a load or store against its buffer, row layout and
/// strides; a load may also take lse rows as one row (`tensor<1xR>`).
static LogicalResult verifyRowTile(Operation *op, RankedTensorType tile,
                                   MemRefType buffer, RowsAttr rows,
                                   ValueRange strides, Value entries,
                                   bool lseAsRow = false) {
  if (failed(verifyRowStrides(op, rows, strides, entries)))
    return failure();
  if (tile.getElementType() != buffer.getElementType())
    return op->emitOpError() << "tile element type " << tile.getElementType()
                             << " differs from the buffer's "
                             << buffer.getElementType();
  if (rows.getKind() == RowKind::Lse) {
    if (!tile.getElementType().isF32())
      return op->emitOpError() << "lse rows are f32, got "
                               << tile.getElementType();
    if (lseAsRow && tile.getRank() == 2) {
      if (tile.getDimSize(0) != 1)
        return op->emitOpError()
               << "loads lse rows as a tile<R> or a tile<1xR>, got " << tile;
      return verifyRank(op, "an lse row", tile, 2);
    }
    return verifyRank(op, "an lse tile", tile, 1);
  }
  return verifyRank(op, "a row tile", tile, 2);
}

LogicalResult LoadOp::verify() {
  return verifyRowTile(*this, getResult().getType(), getBuffer().getType(),
                       getRows(), getStrides(), getEntries(),
                       /*lseAsRow=*/true);
}

LogicalResult AsyncLoadOp::verify() {
  RankedTensorType tile = getResult().getType().getTile();
  // lse values arrive asynchronously only as a tile's column statistics
  // (one row, tensor<1xR>), which every thread holding a column reads.
  if (getRows().getKind() == RowKind::Lse && tile.getRank() != 2)
    return emitOpError("copies rows of q, k, v, depth entries or the lse "
                       "values of a tile's columns (tensor<1xR>), got lse "
                       "rows as ")
           << tile;
  if (getCopy().getKind() != CopyKind::CpAsync)
    return emitOpError("has copy kind '")
           << stringifyCopyKind(getCopy().getKind())
           << "': asynchronous copies are cp_async";
  return verifyRowTile(*this, tile, getBuffer().getType(), getRows(),
                       getStrides(), getEntries(), /*lseAsRow=*/true);
}

LogicalResult WaitOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands,
    DictionaryAttr, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  for (Value future : operands) {
    auto type = dyn_cast<FutureType>(future.getType());
    if (!type)
      return failure();
    inferredReturnTypes.push_back(type.getTile());
  }
  return success();
}

LogicalResult DotWaitOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands,
    DictionaryAttr, OpaqueProperties, RegionRange,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  llvm::append_range(inferredReturnTypes, operands.getTypes());
  return success();
}

LogicalResult StoreOp::verify() {
  return verifyRowTile(*this, getTile().getType(), getBuffer().getType(),
                       getRows(), getStrides(), getEntries());
}

LogicalResult DotOp::verify() {
  auto lhs = getLhs().getType(), rhs = getRhs().getType();
  auto acc = getAcc().getType();
  if (failed(verifyRank(*this, "lhs", lhs, 2)) ||
      failed(verifyRank(*this, "rhs", rhs, 2)) ||
      failed(verifyRank(*this, "acc", acc, 2)))
    return failure();
  int64_t rhsK = getTransposeRhs() ? rhs.getDimSize(1) : rhs.getDimSize(0);
  int64_t rhsN = getTransposeRhs() ? rhs.getDimSize(0) : rhs.getDimSize(1);
  if (lhs.getDimSize(1) != rhsK)
    return emitOpError() << "contracts lhs dimension 1 (" << lhs.getDimSize(1)
                         << ") with rhs dimension " << (getTransposeRhs() ? 1 : 0)
                         << " (" << rhsK << ")";
  if (acc.getDimSize(0) != lhs.getDimSize(0) || acc.getDimSize(1) != rhsN)
    return emitOpError() << "acc must be " << lhs.getDimSize(0) << "x" << rhsN
                         << ", got " << acc;
  // Only warpgroup products run on after they are issued.
  LayoutAttr layout = getLayoutAttr();
  if (getAsync() && (!layout || layout.getKind() != MmaKind::Wgmma))
    return emitOpError() << "is async but its layout is "
                         << (layout ? stringifyMmaKind(layout.getKind())
                                    : StringRef("not chosen"))
                         << ": only wgmma products run asynchronously";
  // Only warpgroup products take a left operand from shared memory, and
  // only a tile brought in by a load is there.
  if (getLhsFromShared()) {
    if (!layout || layout.getKind() != MmaKind::Wgmma)
      return emitOpError() << "reads its left operand from shared memory but "
                           << "its layout is "
                           << (layout ? stringifyMmaKind(layout.getKind())
                                      : StringRef("not chosen"))
                           << ": only wgmma products read it there";
    if (!getLhs().getDefiningOp<LoadOp>())
      return emitOpError("reads its left operand from shared memory but the "
                         "operand is not a loaded tile");
  }
  return success();
}

LogicalResult MaskOp::verify() {
  return verifyRank(*this, "scores", getScores().getType(), 2);
}

LogicalResult IfSeenOp::inferReturnTypes(
    MLIRContext *, std::optional<Location>, ValueRange operands,
    DictionaryAttr, OpaqueProperties properties, RegionRange,
    SmallVectorImpl<Type> &inferredReturnTypes) {
  // The carried tiles follow the five index operands.
  llvm::append_range(inferredReturnTypes, operands.drop_front(5).getTypes());
  return success();
}

LogicalResult IfSeenOp::verify() {
  ValueRange carried = getCarried();
  if (carried.empty())
    return emitOpError("carries no state: a step that changes nothing");
  // (This runs before the verifiers of the ops in the body: nothing of
  // theirs is assumed.)
  auto first = cast<RankedTensorType>(carried.front().getType());
  int64_t rows = first.getRank() > 0 ? first.getDimSize(0) : 0;
  for (Value value : carried) {
    auto type = cast<RankedTensorType>(value.getType());
    if (type.getRank() < 1 || type.getRank() > 2 || !type.hasStaticShape() ||
        type.getDimSize(0) != rows)
      return emitOpError() << "carries the state of the block's " << rows
                           << " rows (tensor<" << rows << "xf32> per row, "
                           << "tensor<" << rows
                           << "xNxf32> per row tile), got " << type;
  }
  Block &body = getBody().front();
  auto yield = body.empty() ? YieldOp() : dyn_cast<YieldOp>(body.back());
  if (!yield || yield.getValues().getTypes() != carried.getTypes())
    return emitOpError("must yield the next value of each carried tile, of "
                       "its type (its body ends in moda_tile.yield)");
  return success();
}

LogicalResult IfSeenOp::verifyRegions() {
  Block &body = getBody().front();
  // A lowering may skip the body for some of the block's threads: it must
  // not hold an op that all of them take part in (a copy into shared
  // memory and its barriers).
  for (Operation &op : body)
    if (isa<LoadOp, AsyncLoadOp, CommitOp, WaitOp, StoreOp>(op))
      return op.emitOpError()
             << "cannot be inside a moda_tile.if_seen: a lowering may skip "
                "its body for some threads, and tile copies involve all of "
                "them (load the tiles before the step)";
  // The mask is what leaves rows that see none of the tile unchanged, the
  // property a lowering that skips the body relies on.
  for (auto mask : getBody().front().getOps<MaskOp>()) {
    if (mask.getFirstRow() == getFirstRow() &&
        mask.getFirstColumn() == getFirstColumn() &&
        mask.getGroup() == getGroup() &&
        mask.getVisibility() == getVisibility() && !mask.getTransposed() &&
        mask.getScores().getType().getRank() == 2 &&
        mask.getScores().getType().getDimSize(1) == int64_t(getColumns()))
      return success();
  }
  return emitOpError("must mask its scores with its own rule (a "
                     "moda_tile.mask of its rows, columns, group and "
                     "visibility over ")
         << getColumns()
         << " columns): rows that see none of the tile keep their state "
            "only through it";
}

/// Per-row state (max, sum, factors) of a tile of `rows` rows.
static LogicalResult verifyRowState(Operation *op, StringRef what,
                                    RankedTensorType state, int64_t rows) {
  if (failed(verifyRank(op, what, state, 1)))
    return failure();
  if (state.getDimSize(0) != rows)
    return op->emitOpError() << what << " must have one entry per row ("
                             << rows << "), got " << state;
  return success();
}

LogicalResult SoftmaxUpdateOp::verify() {
  auto scores = getScores().getType();
  if (failed(verifyRank(*this, "scores", scores, 2)))
    return failure();
  return verifyRowState(*this, "max", getMax().getType(),
                        scores.getDimSize(0));
}

LogicalResult ScaleRowsOp::verify() {
  auto tile = getTile().getType();
  if (failed(verifyRank(*this, "tile", tile, 2)))
    return failure();
  return verifyRowState(*this, "factors", getFactors().getType(),
                        tile.getDimSize(0));
}

LogicalResult MergePartialOp::verify() {
  auto partial = getPartial().getType();
  if (failed(verifyRank(*this, "partial", partial, 2)))
    return failure();
  return verifyRowState(*this, "partial_lse", getPartialLse().getType(),
                        partial.getDimSize(0));
}

LogicalResult FinalizeOp::verify() {
  auto acc = getAcc().getType();
  if (failed(verifyRank(*this, "acc", acc, 2)) ||
      failed(verifyRowState(*this, "max", getMax().getType(),
                            acc.getDimSize(0))))
    return failure();
  if (getOut().getType().getShape() != acc.getShape())
    return emitOpError() << "out must have the accumulator's shape, got "
                         << getOut().getType();
  return success();
}

/// The per-row (`tensor<M>`) or per-column (`tensor<1xN>`) statistics
/// of an MxN tile.
static LogicalResult verifyRowOrColumnState(Operation *op, StringRef what,
                                            RankedTensorType state,
                                            RankedTensorType tile) {
  if (state.getRank() == 2 && state.hasStaticShape() &&
      state.getDimSize(0) == 1 && state.getDimSize(1) == tile.getDimSize(1))
    return success();
  if (state.getRank() == 1 && state.hasStaticShape() &&
      state.getDimSize(0) == tile.getDimSize(0))
    return success();
  return op->emitOpError()
         << what << " must have one entry per row (tensor<"
         << tile.getDimSize(0) << "xf32>) or per column (tensor<1x"
         << tile.getDimSize(1) << "xf32>), got " << state;
}

LogicalResult SoftmaxProbsOp::verify() {
  auto scores = getScores().getType();
  if (failed(verifyRank(*this, "scores", scores, 2)))
    return failure();
  return verifyRowOrColumnState(*this, "lse", getLse().getType(), scores);
}

LogicalResult SoftmaxGradOp::verify() {
  auto probs = getProbs().getType();
  if (failed(verifyRank(*this, "probs", probs, 2)))
    return failure();
  return verifyRowOrColumnState(*this, "delta", getDelta().getType(), probs);
}

LogicalResult RowDotOp::verify() {
  auto lhs = getLhs().getType();
  if (failed(verifyRank(*this, "lhs", lhs, 2)))
    return failure();
  return verifyRowState(*this, "result", getResult().getType(),
                        lhs.getDimSize(0));
}

LogicalResult ConvertOp::verify() {
  if (getResult().getType().getShape() != getTile().getType().getShape())
    return emitOpError() << "result must have the tile's shape, got "
                         << getResult().getType();
  return success();
}

LogicalResult LaunchOp::verifySymbolUses(SymbolTableCollection &symbols) {
  auto program =
      symbols.lookupNearestSymbolFrom<func::FuncOp>(*this, getProgramAttr());
  if (!program || !program->hasAttr(kProgramAttrName))
    return emitOpError() << "'" << getProgram()
                         << "' is not a tile program (a func.func marked "
                         << kProgramAttrName << ")";
  if (!llvm::equal(program.getFunctionType().getInputs(),
                   getArguments().getTypes()))
    return emitOpError() << "argument types do not match those of '"
                         << getProgram() << "' ("
                         << program.getFunctionType() << ")";
  return success();
}

LoadOp mlir::moda::tile::getQueryRowsLoad(func::FuncOp program) {
  LoadOp query;
  program.walk([&](LoadOp load) {
    if (load.getRows().getKind() != RowKind::Query)
      return WalkResult::advance();
    query = load;
    return WalkResult::interrupt();
  });
  return query;
}

bool mlir::moda::tile::isStreamedTile(LoadOp load) {
  return llvm::any_of(load->getUses(), [](OpOperand &use) {
    return isa<DotOp>(use.getOwner()) && use.getOperandNumber() == 1;
  });
}

bool mlir::moda::tile::isColumnStatistics(LoadOp load) {
  return load.getRows().getKind() == RowKind::Lse &&
         load.getResult().getType().getRank() == 2;
}

bool mlir::moda::tile::isColumnStatistics(AsyncLoadOp copy) {
  return copy.getRows().getKind() == RowKind::Lse;
}

LoadOp mlir::moda::tile::getBlockRowsLoad(func::FuncOp program) {
  LoadOp rows;
  program.walk([&](LoadOp load) {
    if (load.getRows().getKind() == RowKind::Lse || isStreamedTile(load))
      return WalkResult::advance();
    rows = load;
    return WalkResult::interrupt();
  });
  return rows;
}
