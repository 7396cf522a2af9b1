//===- AttentionGradBlock.cpp - thread blocks of the backward kernels -----===//
//
// The three SIMT kernels of AttentionGradKernel.h. All arithmetic is f32;
// logits are kept in log2 units (the scale and log2(e) are folded into one
// operand of each dot product, lse is multiplied by log2(e)), so that every
// probability is one exp2: p = exp2(scale log2(e) <q, key> - log2(e) lse).
//
// dq mirrors the forward's block (the same tiles, the same full/diagonal
// split of the sequence loop, the same contiguous depth span); dkv stages
// tiles of block_n folded rows (q, d_out, lse, Delta) in shared memory and
// gives each thread one key; d_depth gives each thread one depth entry and
// reads the few rows that see it straight from global memory.
//
//===----------------------------------------------------------------------===//

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;

namespace {

const llvm::Align kLoadAlign(16);

Value cIndex(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}
Value cF32(ImplicitLocOpBuilder &b, double v) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
}
Value add(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::AddIOp::create(b, x, y);
}
Value sub(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::SubIOp::create(b, x, y);
}
Value mul(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::MulIOp::create(b, x, y);
}
Value div(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::DivUIOp::create(b, x, y);
}
Value rem(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::RemUIOp::create(b, x, y);
}
Value ceilDiv(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::CeilDivUIOp::create(b, x, y);
}
Value lessThan(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::slt, x, y);
}
Value clamp(ImplicitLocOpBuilder &b, Value x, Value lo, Value hi) {
  return arith::MinSIOp::create(b, arith::MaxSIOp::create(b, x, lo), hi);
}
Value select(ImplicitLocOpBuilder &b, Value cond, Value x, Value y) {
  return arith::SelectOp::create(b, cond, x, y);
}
Value minU(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::MinUIOp::create(b, x, y);
}

class GradBlockBuilder {
public:
  GradBlockBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                   const AttentionGradArgs &args, GradExecutionModel &model)
      : b(b), spec(spec), args(args), model(model) {
    f32 = b.getF32Type();
    vectorWidth = getVectorWidth(spec.elementType);
    setLanes(1);
  }

  void buildDQ();
  void buildDKV();
  void buildDDepth();

private:
  /// Splits each key / depth entry over `count` lanes: rows become slices of
  /// D / count elements, dot products are summed across the lanes.
  void setLanes(int64_t count) {
    lanes = count;
    sliceWidth = spec.headDim / lanes;
    rowType = VectorType::get({sliceWidth}, f32);
    elementRowType = VectorType::get({sliceWidth}, spec.elementType);
  }
  /// The thread's slice of the row of D elements at `offset`.
  Value sliceOffset(Value offset) {
    if (lanes == 1)
      return offset;
    return add(b, offset, mul(b, lane, cIndex(b, sliceWidth)));
  }
  // Rows of D elements (the thread's slice of them).
  Value loadRow(Value buffer, Value offset) {
    offset = sliceOffset(offset);
    Value row = vector::LoadOp::create(b, elementRowType, buffer,
                                       ValueRange{offset}, false, kLoadAlign);
    if (spec.elementType.isF32())
      return row;
    return arith::ExtFOp::create(b, rowType, row);
  }
  void storeRow(Value row, Value buffer, Value offset) {
    offset = sliceOffset(offset);
    if (!spec.elementType.isF32())
      row = arith::TruncFOp::create(b, elementRowType, row);
    vector::StoreOp::create(b, row, buffer, ValueRange{offset}, false,
                            kLoadAlign);
  }
  Value splat(Value scalar) {
    return vector::BroadcastOp::create(b, rowType, scalar);
  }
  Value zeroRow() {
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(rowType, b.getF32FloatAttr(0.0)));
  }
  Value scaleRow(Value row, double factor) {
    return arith::MulFOp::create(b, row, splat(cF32(b, factor)));
  }
  Value dot(Value x, Value y) {
    Value partial = vector::ReductionOp::create(
        b, vector::CombiningKind::ADD, arith::MulFOp::create(b, x, y));
    return lanes == 1 ? partial : model.sumOverLanes(b, partial);
  }
  Value fma(Value scalar, Value row, Value acc) {
    return vector::FMAOp::create(b, splat(scalar), row, acc);
  }

  // Offsets into the framework layouts (elements).
  Value queryRowOffset(Value position, Value queryHead) {
    // [B, T, Hq, D]
    return mul(b,
               add(b, mul(b, add(b, mul(b, batch, args.queries), position),
                          cIndex(b, spec.numQueryHeads)),
                   queryHead),
               cIndex(b, spec.headDim));
  }
  Value lseOffset(Value position, Value queryHead) {
    // [B, Hq, T]
    return add(b,
               mul(b, add(b, mul(b, batch, cIndex(b, spec.numQueryHeads)),
                          queryHead),
                   args.queries),
               position);
  }
  Value sequenceRowOffset(Value key) {
    // [B, S, Hk, D]
    Value row = add(b, mul(b, add(b, mul(b, batch, args.keys), key),
                           cIndex(b, spec.numKVHeads)),
                    head);
    return mul(b, row, cIndex(b, spec.headDim));
  }
  Value depthRowOffset(Value entry) {
    // [B, T, L, Hk, D] with entry = t * L + l.
    Value batchEntries = mul(b, mul(b, batch, args.queries), args.depth);
    Value row = add(b, mul(b, add(b, batchEntries, entry),
                           cIndex(b, spec.numKVHeads)),
                    head);
    return mul(b, row, cIndex(b, spec.headDim));
  }
  /// The first position whose depth entries position `position` sees.
  Value windowFirstPosition(Value position) {
    if (spec.visibility != DepthVisibility::Chunk)
      return position;
    Value chunk = cIndex(b, spec.chunkSize);
    return mul(b, div(b, position, chunk), chunk);
  }

  void readBlockIds() {
    blockX = model.getBlockId(b, 0);
    head = model.getBlockId(b, 1);
    batch = model.getBlockId(b, 2);
    threadId = model.getThreadId(b);
  }
  /// Runs `body(slot)` for the slots [0, slots) of a block, spread over the
  /// model's groups of `lanes` threads (one slot per group on the GPU when
  /// slots == threads / lanes).
  void forEachSlot(int64_t slots, function_ref<void(Value)> body) {
    int64_t groups = model.getNumThreads() / lanes;
    Value groupId = threadId;
    if (lanes > 1) {
      groupId = div(b, threadId, cIndex(b, lanes));
      lane = rem(b, threadId, cIndex(b, lanes));
    }
    auto loop = scf::ForOp::create(b, cIndex(b, 0),
                                   cIndex(b, llvm::divideCeil(slots, groups)),
                                   cIndex(b, 1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    body(add(b, groupId, mul(b, loop.getInductionVar(), cIndex(b, groups))));
  }
  /// Copies rows [first, first + tileRows) of `global` (D elements each, at
  /// rowOffset(row)) into `tile` with 16-byte coalesced loads; zeros past
  /// `end`.
  void loadTile(Value global, Value tile, int64_t tileRows, Value first,
                Value end, function_ref<Value(Value)> rowOffset);
  /// Copies the f32 scalars [first, first + rows) (at offset(row)) of
  /// `global` into `tile`; zeros past `end`.
  void loadScalars(Value global, Value tile, int64_t rows, Value first,
                   Value end, function_ref<Value(Value)> offset);

  /// dq: the contribution of one key/value entry to one row (none unless
  /// `visible`).
  Value dqStep(Value dq, Value query, Value dOut, Value lse2, Value delta,
               Value key, Value value, Value visible);

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionGradArgs &args;
  GradExecutionModel &model;
  Type f32;
  VectorType rowType, elementRowType;
  int64_t vectorWidth;
  int64_t lanes = 1, sliceWidth = 0;
  Value blockX, head, batch, threadId, lane;
};

void GradBlockBuilder::loadTile(Value global, Value tile, int64_t tileRows,
                                Value first, Value end,
                                function_ref<Value(Value)> rowOffset) {
  int64_t chunksPerRow = spec.headDim / vectorWidth;
  int64_t numChunks = tileRows * chunksPerRow;
  int64_t numThreads = model.getNumThreads();
  auto chunkType = VectorType::get({vectorWidth}, spec.elementType);
  auto loop = scf::ForOp::create(
      b, cIndex(b, 0), cIndex(b, llvm::divideCeil(numChunks, numThreads)),
      cIndex(b, 1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value chunk =
      add(b, threadId, mul(b, loop.getInductionVar(), cIndex(b, numThreads)));
  auto inTile = scf::IfOp::create(b, lessThan(b, chunk, cIndex(b, numChunks)),
                                  /*withElseRegion=*/false);
  b.setInsertionPointToStart(inTile.thenBlock());
  Value row = div(b, chunk, cIndex(b, chunksPerRow));
  Value column =
      mul(b, rem(b, chunk, cIndex(b, chunksPerRow)), cIndex(b, vectorWidth));
  Value entry = add(b, first, row);
  auto load = scf::IfOp::create(
      b, lessThan(b, entry, end),
      [&](OpBuilder &nested, Location loc) {
        ImplicitLocOpBuilder inner(loc, nested);
        Value offset = arith::AddIOp::create(inner, rowOffset(entry), column);
        Value data = vector::LoadOp::create(inner, chunkType, global,
                                            ValueRange{offset}, false,
                                            kLoadAlign);
        scf::YieldOp::create(inner, data);
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
                          false, kLoadAlign);
}

void GradBlockBuilder::loadScalars(Value global, Value tile, int64_t rows,
                                   Value first, Value end,
                                   function_ref<Value(Value)> offset) {
  int64_t numThreads = model.getNumThreads();
  auto loop = scf::ForOp::create(
      b, cIndex(b, 0), cIndex(b, llvm::divideCeil(rows, numThreads)),
      cIndex(b, 1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value index =
      add(b, threadId, mul(b, loop.getInductionVar(), cIndex(b, numThreads)));
  auto inTile = scf::IfOp::create(b, lessThan(b, index, cIndex(b, rows)),
                                  /*withElseRegion=*/false);
  b.setInsertionPointToStart(inTile.thenBlock());
  Value entry = add(b, first, index);
  auto load = scf::IfOp::create(
      b, lessThan(b, entry, end),
      [&](OpBuilder &nested, Location loc) {
        ImplicitLocOpBuilder inner(loc, nested);
        Value value =
            memref::LoadOp::create(inner, global, ValueRange{offset(entry)});
        scf::YieldOp::create(inner, value);
      },
      [&](OpBuilder &nested, Location loc) {
        Value zero = arith::ConstantOp::create(nested, loc,
                                               nested.getF32FloatAttr(0.0));
        scf::YieldOp::create(nested, loc, zero);
      });
  memref::StoreOp::create(b, load.getResult(0), tile, ValueRange{index});
}

//===----------------------------------------------------------------------===//
// dq (and Delta)
//===----------------------------------------------------------------------===//

Value GradBlockBuilder::dqStep(Value dq, Value query, Value dOut, Value lse2,
                               Value delta, Value key, Value value,
                               Value visible) {
  // query carries scale * log2(e): the logit in log2 units. An entry the
  // row does not see has p = 0 (its exp2 may be inf: selected away).
  Value p = math::Exp2Op::create(b, arith::SubFOp::create(b, dot(query, key),
                                                          lse2));
  p = select(b, visible, p, cF32(b, 0.0));
  Value dS = arith::MulFOp::create(
      b, p, arith::SubFOp::create(b, dot(dOut, value), delta));
  return fma(dS, key, dq);
}

void GradBlockBuilder::buildDQ() {
  readBlockIds();
  setLanes(model.getLanes());
  Value zero = cIndex(b, 0), one = cIndex(b, 1);
  Value group = cIndex(b, spec.groupSize);
  int64_t blockM = spec.config.getBlockM();
  Value rowBase = mul(b, blockX, cIndex(b, blockM));
  Value numRows = mul(b, args.queries, group);
  Value firstPosition = div(b, rowBase, group);
  Value lastPosition =
      minU(b, div(b, add(b, rowBase, cIndex(b, blockM - 1)), group),
           sub(b, args.queries, one));

  // Block-uniform tile counts (the forward's).
  int64_t blockN = spec.config.getBlockN();
  Value blockNValue = cIndex(b, blockN);
  Value numFullTiles, numSequenceTiles, shift;
  if (spec.hasSequence) {
    Value fullEnd = args.keys, diagonalEnd = args.keys;
    if (spec.causal) {
      shift = sub(b, add(b, args.keys, one), args.queries);
      fullEnd = clamp(b, add(b, firstPosition, shift), zero, args.keys);
      diagonalEnd = clamp(b, add(b, lastPosition, shift), zero, args.keys);
    }
    numFullTiles = div(b, fullEnd, blockNValue);
    numSequenceTiles = ceilDiv(b, diagonalEnd, blockNValue);
  }

  // Every loop below has a warp-uniform trip count (with lanes > 1 the dot
  // products are summed across the warp): what a row does not see is
  // masked, not skipped.
  forEachSlot(blockM, [&](Value rowInBlock) {
    Value row = add(b, rowBase, rowInBlock);
    Value valid = arith::AndIOp::create(
        b, lessThan(b, rowInBlock, cIndex(b, blockM)), lessThan(b, row, numRows));
    Value safeRow = select(b, valid, row, rowBase);
    Value position = div(b, safeRow, group);
    Value queryHead = add(b, mul(b, head, group), rem(b, safeRow, group));
    Value rowOffset = queryRowOffset(position, queryHead);
    Value scalarOffset = lseOffset(position, queryHead);

    Value query = scaleRow(loadRow(args.q, rowOffset), spec.scale * M_LOG2E);
    Value dOut = loadRow(args.dOut, rowOffset);
    Value delta = dot(dOut, loadRow(args.out, rowOffset));
    Value lse = memref::LoadOp::create(b, args.lse, ValueRange{scalarOffset});
    Value lse2 = arith::MulFOp::create(b, lse, cF32(b, M_LOG2E));
    Value dq = zeroRow();

    if (spec.hasSequence) {
      Value keyTile = model.getSharedTile(0), valueTile = model.getSharedTile(1);
      Value rowKeyEnd = args.keys;
      if (spec.causal)
        rowKeyEnd = clamp(b, add(b, position, shift), zero, args.keys);
      rowKeyEnd = select(b, valid, rowKeyEnd, zero);
      auto emitTiles = [&](Value in, Value firstTile, Value endTile) {
        auto loop = scf::ForOp::create(b, firstTile, endTile, one,
                                       ValueRange{in});
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(loop.getBody());
        Value firstKey = mul(b, loop.getInductionVar(), blockNValue);
        model.emitBarrier(b);
        auto offsetOf = [&](Value key) { return sequenceRowOffset(key); };
        loadTile(args.k, keyTile, blockN, firstKey, args.keys, offsetOf);
        loadTile(args.v, valueTile, blockN, firstKey, args.keys, offsetOf);
        model.emitBarrier(b);
        // Visible: key < the row's end (every key of a full tile for a
        // valid row; none for a row past the end).
        Value end = clamp(b, sub(b, rowKeyEnd, firstKey), zero, blockNValue);
        auto entries = scf::ForOp::create(b, zero, blockNValue, one,
                                          loop.getRegionIterArgs());
        {
          OpBuilder::InsertionGuard inner(b);
          b.setInsertionPointToStart(entries.getBody());
          Value j = entries.getInductionVar();
          Value offset = mul(b, j, cIndex(b, spec.headDim));
          Value out = dqStep(entries.getRegionIterArgs()[0], query, dOut, lse2,
                             delta, loadRow(keyTile, offset),
                             loadRow(valueTile, offset), lessThan(b, j, end));
          scf::YieldOp::create(b, out);
        }
        scf::YieldOp::create(b, entries.getResults());
        return loop.getResult(0);
      };
      dq = emitTiles(dq, zero, numFullTiles);
      dq = emitTiles(dq, numFullTiles, numSequenceTiles);
    }
    if (spec.hasDepth) {
      // The row's window of the flattened (position, entry) index, read
      // straight from global memory (the G rows of a position share it
      // through the cache): L entries, or up to C * L with chunk visibility.
      Value windowBegin = mul(b, windowFirstPosition(position), args.depth);
      Value windowEnd = mul(b, add(b, position, one), args.depth);
      Value count = args.depth;
      if (spec.visibility == DepthVisibility::Chunk)
        count = mul(b, cIndex(b, spec.chunkSize), args.depth);
      auto entries = scf::ForOp::create(b, zero, count, one, ValueRange{dq});
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(entries.getBody());
        Value candidate = add(b, windowBegin, entries.getInductionVar());
        Value visible =
            arith::AndIOp::create(b, valid, lessThan(b, candidate, windowEnd));
        Value entry = select(b, visible, candidate, windowBegin);
        Value offset = depthRowOffset(entry);
        Value out = dqStep(entries.getRegionIterArgs()[0], query, dOut, lse2,
                           delta, loadRow(args.depthK, offset),
                           loadRow(args.depthV, offset), visible);
        scf::YieldOp::create(b, out);
      }
      dq = entries.getResult(0);
    }

    auto store = scf::IfOp::create(b, valid, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    storeRow(scaleRow(dq, spec.scale), args.dq, rowOffset);
    Value firstLane = lanes == 1
                          ? Value(arith::ConstantIntOp::create(b, 1, 1))
                          : arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                                  lane, zero);
    auto storeDelta = scf::IfOp::create(b, firstLane, /*withElseRegion=*/false);
    b.setInsertionPointToStart(storeDelta.thenBlock());
    memref::StoreOp::create(b, delta, args.delta, ValueRange{scalarOffset});
  });
}

//===----------------------------------------------------------------------===//
// dkv: one sequence key per thread
//===----------------------------------------------------------------------===//

void GradBlockBuilder::buildDKV() {
  readBlockIds();
  setLanes(model.getLanes());
  Value zero = cIndex(b, 0), one = cIndex(b, 1);
  Value group = cIndex(b, spec.groupSize);
  int64_t slots = getGradBlockSlots(spec, lanes);
  Value keyBase = mul(b, blockX, cIndex(b, slots));
  Value numRows = mul(b, args.queries, group);
  // Row t sees key s iff s <= t + S - T, i.e. t >= s + T - S.
  auto firstRowSeeing = [&](Value key) -> Value {
    if (!spec.causal)
      return zero;
    Value position =
        arith::MaxSIOp::create(b, sub(b, add(b, key, args.queries), args.keys),
                               zero);
    return minU(b, mul(b, position, group), numRows);
  };
  // Block-uniform: the rows that see the block's first key, in tiles.
  Value blockFirstRow = firstRowSeeing(keyBase);
  int64_t tileRows = spec.config.getBlockN();
  Value tileRowsValue = cIndex(b, tileRows);
  Value numTiles = ceilDiv(b, sub(b, numRows, blockFirstRow), tileRowsValue);
  Value queryTile = model.getSharedTile(0), dOutTile = model.getSharedTile(1);
  Value lseTile = model.getSharedTile(2), deltaTile = model.getSharedTile(3);

  forEachSlot(slots, [&](Value slot) {
    Value key = add(b, keyBase, slot);
    Value valid = arith::AndIOp::create(
        b, lessThan(b, slot, cIndex(b, slots)), lessThan(b, key, args.keys));
    Value safeKey = select(b, valid, key, keyBase);
    Value keyOffset = sequenceRowOffset(safeKey);
    Value scaledKey =
        scaleRow(loadRow(args.k, keyOffset), spec.scale * M_LOG2E);
    Value value = loadRow(args.v, keyOffset);
    Value myFirstRow = firstRowSeeing(safeKey);

    auto loop = scf::ForOp::create(b, zero, numTiles, one,
                                   ValueRange{zeroRow(), zeroRow()});
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(loop.getBody());
      Value tileFirst = add(b, blockFirstRow,
                            mul(b, loop.getInductionVar(), tileRowsValue));
      model.emitBarrier(b);
      auto rowOffset = [&](Value row) {
        Value queryHead = add(b, mul(b, head, group), rem(b, row, group));
        return queryRowOffset(div(b, row, group), queryHead);
      };
      auto scalarOffset = [&](Value row) {
        Value queryHead = add(b, mul(b, head, group), rem(b, row, group));
        return lseOffset(div(b, row, group), queryHead);
      };
      loadTile(args.q, queryTile, tileRows, tileFirst, numRows, rowOffset);
      loadTile(args.dOut, dOutTile, tileRows, tileFirst, numRows, rowOffset);
      loadScalars(args.lse, lseTile, tileRows, tileFirst, numRows,
                  scalarOffset);
      loadScalars(args.delta, deltaTile, tileRows, tileFirst, numRows,
                  scalarOffset);
      model.emitBarrier(b);
      // Every thread runs the tile's rows (a uniform loop: lanes sum their
      // dot products across the warp); rows before the key's first
      // observer, and every row of an invalid key, contribute nothing.
      Value begin = clamp(b, sub(b, myFirstRow, tileFirst), zero, tileRowsValue);
      begin = select(b, valid, begin, tileRowsValue);
      Value end = clamp(b, sub(b, numRows, tileFirst), zero, tileRowsValue);
      auto rows = scf::ForOp::create(b, zero, end, one,
                                     loop.getRegionIterArgs());
      {
        OpBuilder::InsertionGuard inner(b);
        b.setInsertionPointToStart(rows.getBody());
        Value i = rows.getInductionVar();
        Value offset = mul(b, i, cIndex(b, spec.headDim));
        Value query = loadRow(queryTile, offset);
        Value dOut = loadRow(dOutTile, offset);
        Value lse2 = arith::MulFOp::create(
            b, memref::LoadOp::create(b, lseTile, ValueRange{i}),
            cF32(b, M_LOG2E));
        Value delta = memref::LoadOp::create(b, deltaTile, ValueRange{i});
        Value p = math::Exp2Op::create(
            b, arith::SubFOp::create(b, dot(query, scaledKey), lse2));
        p = select(b, arith::CmpIOp::create(b, arith::CmpIPredicate::sge, i,
                                            begin),
                   p, cF32(b, 0.0));
        Value dS = arith::MulFOp::create(
            b, p, arith::SubFOp::create(b, dot(dOut, value), delta));
        Value dk = fma(dS, query, rows.getRegionIterArgs()[0]);
        Value dv = fma(p, dOut, rows.getRegionIterArgs()[1]);
        scf::YieldOp::create(b, ValueRange{dk, dv});
      }
      scf::YieldOp::create(b, rows.getResults());
    }
    auto store = scf::IfOp::create(b, valid, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    storeRow(scaleRow(loop.getResult(0), spec.scale), args.dk, keyOffset);
    storeRow(loop.getResult(1), args.dv, keyOffset);
  });
}

//===----------------------------------------------------------------------===//
// d_depth: one (position, entry) pair per thread
//===----------------------------------------------------------------------===//

void GradBlockBuilder::buildDDepth() {
  readBlockIds();
  setLanes(model.getLanes());
  Value zero = cIndex(b, 0), one = cIndex(b, 1);
  Value group = cIndex(b, spec.groupSize);
  int64_t slots = getGradBlockSlots(spec, lanes);
  Value pairBase = mul(b, blockX, cIndex(b, slots));
  Value numPairs = mul(b, args.queries, args.depth);

  forEachSlot(slots, [&](Value slot) {
    Value pair = add(b, pairBase, slot);
    Value valid = arith::AndIOp::create(
        b, lessThan(b, slot, cIndex(b, slots)), lessThan(b, pair, numPairs));
    Value safePair = select(b, valid, pair, pairBase);
    // The grid is empty when L == 0, so L divides here.
    Value position = div(b, safePair, args.depth);
    Value entryOffset = depthRowOffset(safePair);
    Value scaledKey =
        scaleRow(loadRow(args.depthK, entryOffset), spec.scale * M_LOG2E);
    Value value = loadRow(args.depthV, entryOffset);
    // The positions that see this entry: its own, and with chunk visibility
    // every later one of its chunk.
    Value lastPosition = add(b, position, one);
    if (spec.visibility == DepthVisibility::Chunk) {
      Value chunk = cIndex(b, spec.chunkSize);
      lastPosition = minU(b, mul(b, add(b, div(b, position, chunk), one), chunk),
                          args.queries);
    }
    Value rowBegin = mul(b, position, group);
    Value rowEnd = select(b, valid, mul(b, lastPosition, group), rowBegin);

    // A uniform trip count (lanes sum their dot products across the warp):
    // the most rows an entry can have (G, or C * G with chunk visibility);
    // rows past the entry's last observer contribute nothing.
    int64_t maxRows = spec.groupSize;
    if (spec.visibility == DepthVisibility::Chunk)
      maxRows *= spec.chunkSize;
    auto rows = scf::ForOp::create(b, zero, cIndex(b, maxRows), one,
                                   ValueRange{zeroRow(), zeroRow()});
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(rows.getBody());
      Value candidate = add(b, rowBegin, rows.getInductionVar());
      Value seen = lessThan(b, candidate, rowEnd);
      Value row = select(b, seen, candidate, rowBegin);
      Value rowPosition = div(b, row, group);
      Value queryHead = add(b, mul(b, head, group), rem(b, row, group));
      Value rowOffset = queryRowOffset(rowPosition, queryHead);
      Value scalarOffset = lseOffset(rowPosition, queryHead);
      Value query = loadRow(args.q, rowOffset);
      Value dOut = loadRow(args.dOut, rowOffset);
      Value lse2 = arith::MulFOp::create(
          b, memref::LoadOp::create(b, args.lse, ValueRange{scalarOffset}),
          cF32(b, M_LOG2E));
      Value delta =
          memref::LoadOp::create(b, args.delta, ValueRange{scalarOffset});
      Value p = math::Exp2Op::create(
          b, arith::SubFOp::create(b, dot(query, scaledKey), lse2));
      p = select(b, seen, p, cF32(b, 0.0));
      Value dS = arith::MulFOp::create(
          b, p, arith::SubFOp::create(b, dot(dOut, value), delta));
      Value dk = fma(dS, query, rows.getRegionIterArgs()[0]);
      Value dv = fma(p, dOut, rows.getRegionIterArgs()[1]);
      scf::YieldOp::create(b, ValueRange{dk, dv});
    }
    auto store = scf::IfOp::create(b, valid, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    storeRow(scaleRow(rows.getResult(0), spec.scale), args.dDepthK,
             entryOffset);
    storeRow(rows.getResult(1), args.dDepthV, entryOffset);
  });
}

} // namespace

void mlir::moda::buildAttentionGradBlock(ImplicitLocOpBuilder &b,
                                         const AttentionKernelSpec &spec,
                                         GradKernelKind kind,
                                         const AttentionGradArgs &args,
                                         GradExecutionModel &model) {
  GradBlockBuilder builder(b, spec, args, model);
  switch (kind) {
  case GradKernelKind::DQ:
    return builder.buildDQ();
  case GradKernelKind::DKV:
    return builder.buildDKV();
  case GradKernelKind::DDepth:
    return builder.buildDDepth();
  }
}
