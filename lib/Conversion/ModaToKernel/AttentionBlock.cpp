//===- AttentionBlock.cpp - one thread block of the tiled forward kernel --===//
//
// A block owns `block_m` folded query rows (row i = t * G + g: the G query
// heads of a position are adjacent, so they share the block and its depth
// span) of one key/value head of one batch entry. Each row keeps one
// online-softmax state (running max m, running sum l, unnormalized
// accumulator acc, all f32, in the log2 domain: the scale is folded into the
// queries together with log2(e), so exponentials are exp2). The state is
// updated by
//   1. the fully visible sequence tiles (no mask: every row sees every key),
//   2. the diagonal sequence tiles (each row stops at its own last key),
//   3. the block's depth span, loaded as one contiguous range of entries
//      [first position * L, (last position + 1) * L) (chunk visibility
//      starts at the first position's chunk), each row reading only its own
//      window of it,
// and normalized once at the end. Tiles are staged in shared memory by all
// threads of the block with 16-byte, coalesced loads; ragged edges are
// bounds, not padding.
//
//===----------------------------------------------------------------------===//

#include "QueryBlockGeometry.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::indexing;

namespace {

constexpr unsigned kSeqKeyTile = 0, kSeqValueTile = 1, kDepthKeyTile = 2,
                   kDepthValueTile = 3;
const llvm::Align kLoadAlign(16);

/// The online-softmax state of one query row.
struct RowState {
  Value max, sum, acc;
  SmallVector<Value> asRange() const { return {max, sum, acc}; }
  static RowState fromRange(ValueRange values) {
    return {values[0], values[1], values[2]};
  }
};

class AttentionBlockBuilder {
public:
  AttentionBlockBuilder(ImplicitLocOpBuilder &b,
                        const AttentionKernelSpec &spec,
                        const AttentionKernelArgs &args, ExecutionModel &model)
      : b(b), spec(spec), args(args), model(model) {
    f32 = b.getF32Type();
    rowVectorType = VectorType::get({spec.headDim}, f32);
    vectorWidth = getVectorWidth(spec.elementType);
  }

  void build();

private:
  Value toF32(Value v) {
    if (spec.elementType.isF32())
      return v;
    return arith::ExtFOp::create(b, VectorType::get({spec.headDim}, f32), v);
  }
  Value fromF32(Value v) {
    if (spec.elementType.isF32())
      return v;
    return arith::TruncFOp::create(
        b, VectorType::get({spec.headDim}, spec.elementType), v);
  }
  Value splat(Value scalar) {
    return vector::BroadcastOp::create(b, rowVectorType, scalar);
  }
  Value zeroRow() {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(rowVectorType, b.getF32FloatAttr(0.0)));
  }

  void computeBlockBounds();
  void emitRow(Value rowInBlock);
  /// Copies entries [first, first + tileRows) of `global` into `tile`, with
  /// zeros past `end`; `rowOffset(entry)` is the element offset of an entry.
  void loadTile(Value global, Value tile, int64_t tileRows, Value first,
                Value end, function_ref<Value(Value)> rowOffset);
  /// Feeds tile entries [begin, end) to a row's state.
  RowState attendTile(RowState state, Value query, Value keyTile,
                      Value valueTile, Value begin, Value end);
  RowState emitSequence(RowState state, Value query, Value position,
                        Value valid);
  RowState emitDepth(RowState state, Value query, Value position,
                     Value valid);

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionKernelArgs &args;
  ExecutionModel &model;
  Type f32;
  VectorType rowVectorType;
  int64_t vectorWidth;

  // Block-uniform values.
  Value threadId;
  QueryBlockGeometry block;
};

void AttentionBlockBuilder::computeBlockBounds() {
  Value queryBlock = model.getBlockId(b, 0);
  Value head = model.getBlockId(b, 1);
  Value batch = model.getBlockId(b, 2);
  threadId = model.getThreadId(b);
  block = QueryBlockGeometry::compute(b, spec, args, queryBlock, head, batch,
                                      spec.config.getBlockDepth());
}

void AttentionBlockBuilder::loadTile(Value global, Value tile,
                                     int64_t tileRows, Value first, Value end,
                                     function_ref<Value(Value)> rowOffset) {
  int64_t chunksPerRow = spec.headDim / vectorWidth;
  int64_t numChunks = tileRows * chunksPerRow;
  int64_t numThreads = model.getNumThreads();
  auto chunkType = VectorType::get({vectorWidth}, spec.elementType);
  auto loop = scf::ForOp::create(b, cIndex(b, 0),
                                 cIndex(b, llvm::divideCeil(numChunks,
                                                            numThreads)),
                                 cIndex(b, 1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  // Consecutive threads take consecutive 16-byte chunks: coalesced.
  Value chunk = add(b, threadId,
                    mul(b, loop.getInductionVar(), cIndex(b, numThreads)));
  auto inTile = scf::IfOp::create(b, lessThan(b, chunk, cIndex(b, numChunks)),
                                  /*withElseRegion=*/false);
  b.setInsertionPointToStart(inTile.thenBlock());
  Value row = div(b, chunk, cIndex(b, chunksPerRow));
  Value column =
      mul(b, rem(b, chunk, cIndex(b, chunksPerRow)), cIndex(b, vectorWidth));
  Value entry = add(b, first, row);
  // Past `end` the address is computed but never dereferenced.
  Value offset = add(b, rowOffset(entry), column);
  auto load = scf::IfOp::create(
      b, lessThan(b, entry, end),
      [&](OpBuilder &nested, Location loc) {
        Value data = vector::LoadOp::create(nested, loc, chunkType, global,
                                            ValueRange{offset},
                                            /*nontemporal=*/false, kLoadAlign);
        scf::YieldOp::create(nested, loc, data);
      },
      [&](OpBuilder &nested, Location loc) {
        Value zeros = arith::ConstantOp::create(
            nested, loc,
            DenseElementsAttr::get(chunkType,
                                   nested.getFloatAttr(spec.elementType, 0)));
        scf::YieldOp::create(nested, loc, zeros);
      });
  Value tileOffset = add(b, mul(b, row, cIndex(b, spec.headDim)), column);
  vector::StoreOp::create(b, load.getResult(0), tile, ValueRange{tileOffset},
                          /*nontemporal=*/false, kLoadAlign);
}

RowState AttentionBlockBuilder::attendTile(RowState state, Value query,
                                           Value keyTile, Value valueTile,
                                           Value begin, Value end) {
  auto rowType = VectorType::get({spec.headDim}, spec.elementType);
  auto loop = scf::ForOp::create(b, begin, end, cIndex(b, 1),
                                 state.asRange());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  RowState old = RowState::fromRange(loop.getRegionIterArgs());
  Value offset = mul(b, loop.getInductionVar(), cIndex(b, spec.headDim));
  Value key = toF32(vector::LoadOp::create(b, rowType, keyTile,
                                           ValueRange{offset}, false,
                                           kLoadAlign));
  Value value = toF32(vector::LoadOp::create(b, rowType, valueTile,
                                             ValueRange{offset}, false,
                                             kLoadAlign));
  Value product = arith::MulFOp::create(b, query, key);
  Value score =
      vector::ReductionOp::create(b, vector::CombiningKind::ADD, product);
  // The first visible key turns max = -inf into a finite max: exp2(-inf) = 0
  // rescales the empty state away. Invisible keys never get here.
  Value newMax = arith::MaxNumFOp::create(b, old.max, score);
  Value rescale = math::Exp2Op::create(b, arith::SubFOp::create(b, old.max,
                                                                newMax));
  Value weight =
      math::Exp2Op::create(b, arith::SubFOp::create(b, score, newMax));
  Value newSum = arith::AddFOp::create(
      b, arith::MulFOp::create(b, old.sum, rescale), weight);
  Value newAcc = vector::FMAOp::create(
      b, splat(weight), value, arith::MulFOp::create(b, old.acc,
                                                     splat(rescale)));
  scf::YieldOp::create(b, ValueRange{newMax, newSum, newAcc});
  return RowState::fromRange(loop.getResults());
}

RowState AttentionBlockBuilder::emitSequence(RowState state, Value query,
                                             Value position, Value valid) {
  Value zero = cIndex(b, 0), one = cIndex(b, 1);
  int64_t blockN = spec.config.getBlockN();
  Value blockNValue = cIndex(b, blockN);
  Value keyTile = model.getSharedTile(kSeqKeyTile);
  Value valueTile = model.getSharedTile(kSeqValueTile);
  Value rowKeyEnd =
      select(b, valid, block.rowKeyEnd(b, spec, args, position), zero);

  // Both loops run the same barriers in every thread: their bounds are
  // uniform over the block; only the per-row entry range differs.
  auto emitTiles = [&](RowState in, Value firstTile, Value endTile,
                       bool masked) {
    auto loop = scf::ForOp::create(b, firstTile, endTile, one, in.asRange());
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value firstKey = mul(b, loop.getInductionVar(), blockNValue);
    model.emitBarrier(b);
    auto offsetOf = [&](Value key) {
      return block.sequenceRowOffset(b, spec, args, key);
    };
    loadTile(args.k, keyTile, blockN, firstKey, args.keys, offsetOf);
    loadTile(args.v, valueTile, blockN, firstKey, args.keys, offsetOf);
    model.emitBarrier(b);
    Value end = masked
                    ? clamp(b, sub(b, rowKeyEnd, firstKey), zero, blockNValue)
                    : select(b, valid, blockNValue, zero);
    RowState out =
        attendTile(RowState::fromRange(loop.getRegionIterArgs()), query,
                   keyTile, valueTile, zero, end);
    scf::YieldOp::create(b, out.asRange());
    return RowState::fromRange(loop.getResults());
  };
  state = emitTiles(state, zero, block.numFullTiles, /*masked=*/false);
  return emitTiles(state, block.numFullTiles, block.numSequenceTiles,
                   /*masked=*/true);
}

RowState AttentionBlockBuilder::emitDepth(RowState state, Value query,
                                          Value position, Value valid) {
  Value zero = cIndex(b, 0), one = cIndex(b, 1);
  int64_t blockDepth = spec.config.getBlockDepth();
  Value blockDepthValue = cIndex(b, blockDepth);
  Value keyTile = model.getSharedTile(kDepthKeyTile);
  Value valueTile = model.getSharedTile(kDepthValueTile);

  // The row's window of the flattened (position, entry) index.
  auto [windowBegin, windowEnd] = block.depthWindow(b, spec, args, position);
  windowEnd = select(b, valid, windowEnd, zero);

  auto loop = scf::ForOp::create(b, zero, block.numDepthTiles, one,
                                 state.asRange());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value firstEntry = add(b, block.depthSpanBegin,
                         mul(b, loop.getInductionVar(), blockDepthValue));
  model.emitBarrier(b);
  auto offsetOf = [&](Value entry) {
    return block.depthRowOffset(b, spec, args, entry);
  };
  loadTile(args.depthK, keyTile, blockDepth, firstEntry, block.depthSpanEnd,
           offsetOf);
  loadTile(args.depthV, valueTile, blockDepth, firstEntry, block.depthSpanEnd,
           offsetOf);
  model.emitBarrier(b);
  Value begin =
      clamp(b, sub(b, windowBegin, firstEntry), zero, blockDepthValue);
  Value end = clamp(b, sub(b, windowEnd, firstEntry), zero, blockDepthValue);
  RowState out = attendTile(RowState::fromRange(loop.getRegionIterArgs()),
                            query, keyTile, valueTile, begin, end);
  scf::YieldOp::create(b, out.asRange());
  return RowState::fromRange(loop.getResults());
}

void AttentionBlockBuilder::emitRow(Value rowInBlock) {
  Value group = cIndex(b, spec.groupSize);
  Value row = add(b, block.rowBase, rowInBlock);
  Value valid = arith::AndIOp::create(
      b, lessThan(b, rowInBlock, cIndex(b, spec.config.getBlockM())),
      lessThan(b, row, block.numRows));
  // Rows past the end still run the block's loops (for its barriers); they
  // use the block's first row for addresses and touch no entry.
  Value safeRow = select(b, valid, row, block.rowBase);
  Value position = div(b, safeRow, group);
  Value queryHead =
      add(b, mul(b, block.head, group), rem(b, safeRow, group));
  Value rowOffset =
      block.queryRowOffset(b, spec, args, position, queryHead);

  auto rowType = VectorType::get({spec.headDim}, spec.elementType);
  Value query = toF32(vector::LoadOp::create(b, rowType, args.q,
                                             ValueRange{rowOffset}, false,
                                             kLoadAlign));
  // Scores in log2 units: exp2 of them is exp of the scaled logits.
  query = arith::MulFOp::create(b, query,
                                splat(cF32(b, spec.scale * M_LOG2E)));

  RowState state{cF32(b, -INFINITY), cF32(b, 0.0), zeroRow()};
  if (spec.hasSequence)
    state = emitSequence(state, query, position, valid);
  if (spec.hasDepth)
    state = emitDepth(state, query, position, valid);

  auto store = scf::IfOp::create(b, valid, /*withElseRegion=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(store.thenBlock());
  // A row that saw nothing has out = 0 and lse = -inf (never NaN).
  Value sawSomething = arith::CmpFOp::create(b, arith::CmpFPredicate::OGT,
                                             state.sum, cF32(b, 0.0));
  Value normalized = arith::DivFOp::create(b, state.acc, splat(state.sum));
  Value out = select(b, sawSomething, normalized, zeroRow());
  vector::StoreOp::create(b, fromF32(out), args.out, ValueRange{rowOffset},
                          false, kLoadAlign);
  Value logSumExp = arith::AddFOp::create(
      b, arith::MulFOp::create(b, state.max, cF32(b, M_LN2)),
      math::LogOp::create(b, state.sum));
  Value lse = select(b, sawSomething, logSumExp, cF32(b, -INFINITY));
  Value lseOffset = block.lseOffset(b, spec, args, position, queryHead);
  memref::StoreOp::create(b, lse, args.lse, ValueRange{lseOffset});
}

void AttentionBlockBuilder::build() {
  computeBlockBounds();
  int64_t numThreads = model.getNumThreads();
  int64_t rowsPerThread =
      llvm::divideCeil(spec.config.getBlockM(), numThreads);
  auto loop = scf::ForOp::create(b, cIndex(b, 0), cIndex(b, rowsPerThread),
                                 cIndex(b, 1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  emitRow(add(b, threadId,
              mul(b, loop.getInductionVar(), cIndex(b, numThreads))));
}

} // namespace

void mlir::moda::buildAttentionBlock(ImplicitLocOpBuilder &b,
                                     const AttentionKernelSpec &spec,
                                     const AttentionKernelArgs &args,
                                     ExecutionModel &model) {
  AttentionBlockBuilder(b, spec, args, model).build();
}
