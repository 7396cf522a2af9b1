//===- AttentionMmaBlock.cpp - the forward block on tensor cores ----------===//
//
// The same algorithm as AttentionBlock.cpp (folded rows, one online softmax
// over sequence and depth, log2 domain, the block's contiguous depth span),
// with the work laid out for warp-level tensor-core MMA (mma.sync m16n8k16,
// bf16/f16 in, f32 accumulate):
//
//  * each warp owns 16 folded rows; a lane holds rows r = lane / 4 and r + 8
//    of the warp's 16, columns 2 * (lane % 4) + {0, 1} of every 8-wide
//    n-tile (the m16n8 accumulator layout);
//  * S = Q K^T is 16 x block_n per warp; its accumulator registers are, two
//    n-tiles at a time, exactly the A operand of P V (no shuffle through
//    shared memory), after the softmax turned them into bf16/f16 pairs;
//  * operands come from shared memory with ldmatrix (x4; V transposed);
//    tiles are stored with the 16-byte chunk index XORed with (row mod 8),
//    so the eight rows an ldmatrix phase reads hit eight different bank
//    groups, and cp.async writes of eight consecutive threads fill one row;
//  * key/value tiles stream through `num_stages` shared buffers with cp.async
//    (16 bytes per thread, zero-filled past the end): while tile j is used,
//    tiles j+1 .. j+num_stages-1 are in flight. One index runs over the
//    sequence tiles and then the depth tiles, so the pipeline does not drain
//    between the two;
//  * the fully visible sequence tiles run without a mask; only the diagonal
//    tiles and the depth tiles compute per-row bounds, and a warp skips a
//    masked tile none of its rows can see (most of the block's depth span:
//    each warp reads only its own positions' entries).
//
// GPU only: the host path runs AttentionBlock.cpp's formulation.
//
//===----------------------------------------------------------------------===//

#include "QueryBlockGeometry.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::indexing;

namespace {

/// Rows of the m16n8k16 MMA a warp owns.
constexpr int64_t kWarpRows = 16;
/// Elements of a 16-byte chunk of bf16/f16.
constexpr int64_t kChunk = 8;

/// The per-thread online-softmax state of a warp's 16 rows: for the lane's
/// two rows (half 0: row lane/4, half 1: row lane/4 + 8) the running max (log2
/// units) and the lane's partial sum, and the output accumulator, four f32 per
/// 8-wide n-tile of the head dimension.
struct WarpState {
  SmallVector<Value, 2> max, sum;
  SmallVector<Value> acc;

  SmallVector<Value> flatten() const {
    SmallVector<Value> values(max.begin(), max.end());
    values.append(sum.begin(), sum.end());
    values.append(acc.begin(), acc.end());
    return values;
  }
  static WarpState unflatten(ValueRange values) {
    WarpState s;
    s.max = {values[0], values[1]};
    s.sum = {values[2], values[3]};
    s.acc.assign(values.begin() + 4, values.end());
    return s;
  }
};

class MmaBlockBuilder {
public:
  MmaBlockBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                  const AttentionKernelArgs &args, const MmaSharedTiles &tiles)
      : b(b), spec(spec), args(args), tiles(tiles) {
    f32 = b.getF32Type();
    i32 = b.getI32Type();
    blockM = spec.config.getBlockM();
    blockN = spec.config.getBlockN();
    numStages = spec.config.getNumStages();
    headDim = spec.headDim;
    numThreads = spec.getNumThreads();
  }

  void build();

private:
  // Threads and the block.
  void computeIds();
  // Global -> shared copies.
  void copyRowsAsync(Value global, Value tile, Value tileRowBase,
                     int64_t numRows,
                     function_ref<std::pair<Value, Value>(Value)> rowSource);
  void prefetchTile(Value tile);
  // Warp-level tensor-core pieces.
  Value swizzledColumn(Value row, Value column);
  SmallVector<Value, 4> loadMatrixX4(Value tile, Value row, Value column,
                                     bool transpose);
  SmallVector<Value, 4> mma(ArrayRef<Value> a, ArrayRef<Value> bOperand,
                            ArrayRef<Value> c);
  Value packPair(Value lo, Value hi);
  Value quadReduce(Value v, bool isMax);
  SmallVector<Value> loadQueryFragments();
  // One tile.
  WarpState attendTile(const WarpState &state, Value tile, bool masked);
  WarpState emitTileLoop(WarpState state, Value firstTile, Value endTile,
                         bool masked);
  void storeResults(const WarpState &state);

  /// Rows (in the block) of the lane: half 0 and half 1.
  Value laneRow(int half) {
    return add(b, add(b, mul(b, warp, cIndex(b, kWarpRows)), laneGroup),
               cIndex(b, 8 * half));
  }

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionKernelArgs &args;
  const MmaSharedTiles &tiles;
  Type f32, i32;
  int64_t blockM, blockN, numStages, headDim, numThreads;

  Value threadId, warp, lane, laneGroup, laneInGroup;
  QueryBlockGeometry block;
  /// Tiles in one index: sequence tiles [0, numSequenceTiles), then depth
  /// tiles [numSequenceTiles, numTiles).
  Value numSequenceTiles, numFullTiles, numTiles;
  /// The query fragments of the warp: 4 registers per 16 columns of D.
  SmallVector<Value> queryFragments;
  /// Per lane row (half 0 and 1): the position, whether the row exists, the
  /// end of its sequence keys and its depth window.
  Value rowPosition[2], rowValid[2], rowKeyEnd[2], rowWindowBegin[2],
      rowWindowEnd[2];
  /// The warp's first and last valid positions.
  Value warpFirstPosition, warpLastPosition;
};

void MmaBlockBuilder::computeIds() {
  threadId = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value warpSize = cIndex(b, 32);
  warp = div(b, threadId, warpSize);
  lane = rem(b, threadId, warpSize);
  laneGroup = div(b, lane, cIndex(b, 4));
  laneInGroup = rem(b, lane, cIndex(b, 4));
  block = QueryBlockGeometry::compute(
      b, spec, args, gpu::BlockIdOp::create(b, gpu::Dimension::x),
      gpu::BlockIdOp::create(b, gpu::Dimension::y),
      gpu::BlockIdOp::create(b, gpu::Dimension::z), blockN);

  Value zero = cIndex(b, 0);
  numSequenceTiles = spec.hasSequence ? block.numSequenceTiles : zero;
  numFullTiles = spec.hasSequence ? block.numFullTiles : zero;
  numTiles = spec.hasDepth ? add(b, numSequenceTiles, block.numDepthTiles)
                           : numSequenceTiles;

  Value group = cIndex(b, spec.groupSize);
  for (int half = 0; half < 2; ++half) {
    Value row = add(b, block.rowBase, laneRow(half));
    rowValid[half] = lessThan(b, row, block.numRows);
    rowPosition[half] = div(b, row, group);
    if (spec.hasSequence)
      rowKeyEnd[half] = select(
          b, rowValid[half],
          block.rowKeyEnd(b, spec, args, rowPosition[half]), zero);
    if (spec.hasDepth) {
      auto [begin, end] =
          block.depthWindow(b, spec, args, rowPosition[half]);
      rowWindowBegin[half] = begin;
      rowWindowEnd[half] = select(b, rowValid[half], end, zero);
    }
  }
  // Rows past the end belong to the block's last position.
  Value warpFirstRow = add(b, block.rowBase, mul(b, warp, cIndex(b, kWarpRows)));
  Value lastRow = sub(b, block.numRows, cIndex(b, 1));
  warpFirstPosition =
      div(b, arith::MinUIOp::create(b, warpFirstRow, lastRow), group);
  warpLastPosition = div(
      b,
      arith::MinUIOp::create(
          b, add(b, warpFirstRow, cIndex(b, kWarpRows - 1)), lastRow),
      group);
}

Value MmaBlockBuilder::swizzledColumn(Value row, Value column) {
  // Columns are multiples of the chunk here; the chunk index is XORed with
  // the row's low three bits.
  Value chunk = div(b, column, cIndex(b, kChunk));
  Value swizzled = arith::XOrIOp::create(b, chunk, rem(b, row, cIndex(b, 8)));
  return mul(b, swizzled, cIndex(b, kChunk));
}

void MmaBlockBuilder::copyRowsAsync(
    Value global, Value tile, Value tileRowBase, int64_t numRows,
    function_ref<std::pair<Value, Value>(Value)> rowSource) {
  int64_t chunksPerRow = headDim / kChunk;
  int64_t numChunks = numRows * chunksPerRow;
  for (int64_t first = 0; first < numChunks; first += numThreads) {
    Value chunk = add(b, threadId, cIndex(b, first));
    auto emitCopy = [&] {
      Value row = div(b, chunk, cIndex(b, chunksPerRow));
      Value column = mul(b, rem(b, chunk, cIndex(b, chunksPerRow)),
                         cIndex(b, kChunk));
      auto [offset, valid] = rowSource(row);
      // A missing row is zero-filled: the copy reads 0 of its 16 bytes (from
      // an address that stays in bounds).
      Value source = select(b, valid, add(b, offset, column), cIndex(b, 0));
      Value sourceElements =
          select(b, valid, cIndex(b, kChunk), cIndex(b, 0));
      Value tileRow = add(b, tileRowBase, row);
      nvgpu::DeviceAsyncCopyOp::create(
          b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tile,
          ValueRange{tileRow, swizzledColumn(tileRow, column)}, global,
          ValueRange{source}, b.getIndexAttr(kChunk), sourceElements,
          b.getUnitAttr());
    };
    if (first + numThreads <= numChunks) {
      emitCopy();
      continue;
    }
    auto inTile = scf::IfOp::create(
        b, lessThan(b, chunk, cIndex(b, numChunks)), /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inTile.thenBlock());
    emitCopy();
  }
}

void MmaBlockBuilder::prefetchTile(Value tile) {
  // Tile `tile` of the one index goes to buffer tile mod num_stages. A group
  // is committed even when there is nothing to load, so that "all but the
  // newest num_stages - 1 groups" always means "tile j has landed".
  auto exists = scf::IfOp::create(b, lessThan(b, tile, numTiles),
                                  /*withElseRegion=*/false);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(exists.thenBlock());
    Value bufferRow =
        mul(b, rem(b, tile, cIndex(b, numStages)), cIndex(b, blockN));
    auto copyTile = [&](Value keys, Value values, Value first, Value end,
                        auto rowOffset) {
      auto source = [&](Value row) -> std::pair<Value, Value> {
        Value entry = add(b, first, row);
        Value valid = lessThan(b, entry, end);
        return {rowOffset(select(b, valid, entry, first)), valid};
      };
      copyRowsAsync(keys, tiles.keys, bufferRow, blockN, source);
      copyRowsAsync(values, tiles.values, bufferRow, blockN, source);
    };
    auto copySequenceTile = [&](Value index) {
      copyTile(args.k, args.v, mul(b, index, cIndex(b, blockN)), args.keys,
               [&](Value key) {
                 return block.sequenceRowOffset(b, spec, args, key);
               });
    };
    auto copyDepthTile = [&](Value index) {
      copyTile(args.depthK, args.depthV,
               add(b, block.depthSpanBegin, mul(b, index, cIndex(b, blockN))),
               block.depthSpanEnd, [&](Value entry) {
                 return block.depthRowOffset(b, spec, args, entry);
               });
    };
    if (spec.hasSequence && spec.hasDepth) {
      auto kind = scf::IfOp::create(b, lessThan(b, tile, numSequenceTiles),
                                    /*withElseRegion=*/true);
      b.setInsertionPointToStart(kind.thenBlock());
      copySequenceTile(tile);
      b.setInsertionPointToStart(kind.elseBlock());
      copyDepthTile(sub(b, tile, numSequenceTiles));
    } else if (spec.hasSequence) {
      copySequenceTile(tile);
    } else {
      copyDepthTile(tile);
    }
  }
  NVVM::CpAsyncCommitGroupOp::create(b);
}

SmallVector<Value, 4> MmaBlockBuilder::loadMatrixX4(Value tile, Value row,
                                                    Value column,
                                                    bool transpose) {
  auto type = VectorType::get({4, 2}, spec.elementType);
  Value fragments = nvgpu::LdMatrixOp::create(
      b, type, tile, ValueRange{row, swizzledColumn(row, column)}, transpose,
      /*numTiles=*/4);
  SmallVector<Value, 4> registers;
  for (int64_t i = 0; i < 4; ++i)
    registers.push_back(vector::ExtractOp::create(b, fragments, i));
  return registers;
}

/// mma.sync m16n8k16 takes bf16 pairs as b32 registers and f16 pairs as
/// vector<2xf16>.
static Value asMmaOperand(ImplicitLocOpBuilder &b, Value pair) {
  auto type = cast<VectorType>(pair.getType());
  if (!type.getElementType().isBF16())
    return pair;
  Value word = vector::BitCastOp::create(
      b, VectorType::get({1}, b.getI32Type()), pair);
  return vector::ExtractOp::create(b, word, int64_t(0));
}

SmallVector<Value, 4> MmaBlockBuilder::mma(ArrayRef<Value> a,
                                           ArrayRef<Value> bOperand,
                                           ArrayRef<Value> c) {
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(4, f32));
  SmallVector<Value> aOps, bOps;
  for (Value v : a)
    aOps.push_back(asMmaOperand(b, v));
  for (Value v : bOperand)
    bOps.push_back(asMmaOperand(b, v));
  std::optional<std::array<NVVM::MMATypes, 2>> types;
  if (spec.elementType.isBF16())
    types = {NVVM::MMATypes::bf16, NVVM::MMATypes::bf16};
  Value d = NVVM::MmaOp::create(
      b, resultType, aOps, bOps, c, ArrayRef<int64_t>{16, 8, 16},
      /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt, types,
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value, 4> result;
  for (int64_t i = 0; i < 4; ++i)
    result.push_back(LLVM::ExtractValueOp::create(b, d, i));
  return result;
}

Value MmaBlockBuilder::packPair(Value lo, Value hi) {
  Value pair = vector::FromElementsOp::create(
      b, VectorType::get({2}, f32), ValueRange{lo, hi});
  return arith::TruncFOp::create(
      b, VectorType::get({2}, spec.elementType), pair);
}

Value MmaBlockBuilder::quadReduce(Value v, bool isMax) {
  // The four lanes of a row are lane ^ 1 and lane ^ 2 apart.
  for (int32_t offset : {1, 2}) {
    Value other =
        gpu::ShuffleOp::create(b, v, offset, 32, gpu::ShuffleMode::XOR)
            .getShuffleResult();
    v = isMax ? Value(arith::MaximumFOp::create(b, v, other))
              : Value(arith::AddFOp::create(b, v, other));
  }
  return v;
}

SmallVector<Value> MmaBlockBuilder::loadQueryFragments() {
  // A operand, 16 x 16 per k-step: matrices (rows 0-7, cols 0-7),
  // (rows 8-15, cols 0-7), (rows 0-7, cols 8-15), (rows 8-15, cols 8-15).
  Value row = add(b, mul(b, warp, cIndex(b, kWarpRows)),
                  add(b, rem(b, lane, cIndex(b, 8)),
                      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)),
                          cIndex(b, 8))));
  Value columnInStep = mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8));
  SmallVector<Value> fragments;
  for (int64_t k = 0; k < headDim; k += 16) {
    SmallVector<Value, 4> regs = loadMatrixX4(
        tiles.query, row, add(b, columnInStep, cIndex(b, k)),
        /*transpose=*/false);
    fragments.append(regs.begin(), regs.end());
  }
  return fragments;
}

WarpState MmaBlockBuilder::attendTile(const WarpState &state, Value tile,
                                      bool masked) {
  Value bufferRow =
      mul(b, rem(b, tile, cIndex(b, numStages)), cIndex(b, blockN));
  int64_t nTiles = blockN / 8;

  // S = Q K^T. K (rows = keys) as the column-major B operand: ldmatrix x4
  // gives (keys 0-7, dims 0-7), (keys 0-7, dims 8-15), (keys 8-15, dims
  // 0-7), (keys 8-15, dims 8-15): the B registers of two n-tiles.
  Value keyRowInPair = add(
      b, rem(b, lane, cIndex(b, 8)),
      mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8)));
  Value keyColumnInStep =
      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)), cIndex(b, 8));
  Value zeroF = cF32(b, 0.0);
  SmallVector<SmallVector<Value, 4>> scores(nTiles,
                                            SmallVector<Value, 4>(4, zeroF));
  for (int64_t k = 0; k < headDim / 16; ++k) {
    ArrayRef<Value> a = ArrayRef<Value>(queryFragments).slice(4 * k, 4);
    for (int64_t pair = 0; pair < nTiles / 2; ++pair) {
      Value row = add(b, bufferRow, add(b, keyRowInPair, cIndex(b, 16 * pair)));
      SmallVector<Value, 4> kRegs =
          loadMatrixX4(tiles.keys, row,
                       add(b, keyColumnInStep, cIndex(b, 16 * k)),
                       /*transpose=*/false);
      scores[2 * pair] = mma(a, {kRegs[0], kRegs[1]}, scores[2 * pair]);
      scores[2 * pair + 1] =
          mma(a, {kRegs[2], kRegs[3]}, scores[2 * pair + 1]);
    }
  }

  Value negInf = cF32(b, -INFINITY);
  if (masked) {
    // Column c of the tile is visible to a row iff lo <= first + c < hi.
    Value isDepth = lessThan(b, tile, numSequenceTiles);
    isDepth = arith::XOrIOp::create(
        b, isDepth, arith::ConstantIntOp::create(b, 1, 1));
    Value zero = cIndex(b, 0);
    Value first, lo[2], hi[2];
    Value sequenceFirst = mul(b, tile, cIndex(b, blockN));
    Value depthFirst = spec.hasDepth
                           ? add(b, block.depthSpanBegin,
                                 mul(b, sub(b, tile, numSequenceTiles),
                                     cIndex(b, blockN)))
                           : zero;
    first = select(b, isDepth, depthFirst, sequenceFirst);
    for (int half = 0; half < 2; ++half) {
      Value seqEnd = spec.hasSequence ? rowKeyEnd[half] : zero;
      Value winBegin = spec.hasDepth ? rowWindowBegin[half] : zero;
      Value winEnd = spec.hasDepth ? rowWindowEnd[half] : zero;
      lo[half] = select(b, isDepth, winBegin, zero);
      hi[half] = select(b, isDepth, winEnd, seqEnd);
    }
    Value laneColumn = add(b, first, mul(b, laneInGroup, cIndex(b, 2)));
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 0; e < 4; ++e) {
        int half = e / 2;
        Value column = add(b, laneColumn, cIndex(b, 8 * n + e % 2));
        Value visible = arith::AndIOp::create(
            b,
            arith::CmpIOp::create(b, arith::CmpIPredicate::sge, column,
                                  lo[half]),
            lessThan(b, column, hi[half]));
        scores[n][e] = select(b, visible, scores[n][e], negInf);
      }
  }

  // Online softmax in log2 units: p = exp2(s * c - m) with c = scale *
  // log2(e) folded into one fma per score.
  Value scaleLog2 = cF32(b, spec.scale * M_LOG2E);
  WarpState next = state;
  SmallVector<Value, 2> rescale(2);
  for (int half = 0; half < 2; ++half) {
    Value rowMax = negInf;
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 2 * half; e < 2 * half + 2; ++e)
        rowMax = arith::MaximumFOp::create(b, rowMax, scores[n][e]);
    rowMax = arith::MulFOp::create(b, quadReduce(rowMax, /*isMax=*/true),
                                   scaleLog2);
    Value newMax = arith::MaximumFOp::create(b, state.max[half], rowMax);
    // A row that has seen nothing yet keeps max = -inf; exponents are then
    // taken against 0 so that exp2(-inf - -inf) never makes a NaN.
    Value isEmpty = arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ,
                                          newMax, negInf);
    Value base = select(b, isEmpty, zeroF, newMax);
    Value negBase = arith::NegFOp::create(b, base);
    rescale[half] = math::Exp2Op::create(
        b, arith::SubFOp::create(b, state.max[half], base));
    Value partial = zeroF;
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 2 * half; e < 2 * half + 2; ++e) {
        scores[n][e] = math::Exp2Op::create(
            b, math::FmaOp::create(b, scores[n][e], scaleLog2, negBase));
        partial = arith::AddFOp::create(b, partial, scores[n][e]);
      }
    next.max[half] = newMax;
    next.sum[half] = arith::AddFOp::create(
        b, arith::MulFOp::create(b, state.sum[half], rescale[half]), partial);
  }
  for (size_t i = 0; i < next.acc.size(); ++i)
    next.acc[i] =
        arith::MulFOp::create(b, state.acc[i], rescale[(i % 4) / 2]);

  // O += P V. P's accumulator registers of n-tiles 2k and 2k+1 are the A
  // operand of k-step k; V (rows = keys) is the row-major B operand, read
  // transposed: (keys 0-7, dims 0-7), (keys 8-15, dims 0-7), (keys 0-7,
  // dims 8-15), (keys 8-15, dims 8-15).
  Value valueRowInStep = add(
      b, rem(b, lane, cIndex(b, 8)),
      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)), cIndex(b, 8)));
  Value valueColumnInPair = mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8));
  for (int64_t k = 0; k < blockN / 16; ++k) {
    SmallVector<Value, 4> a = {
        packPair(scores[2 * k][0], scores[2 * k][1]),
        packPair(scores[2 * k][2], scores[2 * k][3]),
        packPair(scores[2 * k + 1][0], scores[2 * k + 1][1]),
        packPair(scores[2 * k + 1][2], scores[2 * k + 1][3])};
    Value row = add(b, bufferRow, add(b, valueRowInStep, cIndex(b, 16 * k)));
    for (int64_t pair = 0; pair < headDim / 16; ++pair) {
      SmallVector<Value, 4> vRegs = loadMatrixX4(
          tiles.values, row, add(b, valueColumnInPair, cIndex(b, 16 * pair)),
          /*transpose=*/true);
      for (int64_t t = 0; t < 2; ++t) {
        int64_t n = 2 * pair + t;
        SmallVector<Value, 4> c(next.acc.begin() + 4 * n,
                                next.acc.begin() + 4 * n + 4);
        SmallVector<Value, 4> d =
            mma(a, {vRegs[2 * t], vRegs[2 * t + 1]}, c);
        std::copy(d.begin(), d.end(), next.acc.begin() + 4 * n);
      }
    }
  }
  return next;
}

WarpState MmaBlockBuilder::emitTileLoop(WarpState state, Value firstTile,
                                        Value endTile, bool masked) {
  auto loop = scf::ForOp::create(b, firstTile, endTile, cIndex(b, 1),
                                 state.flatten());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value tile = loop.getInductionVar();
  WarpState in = WarpState::unflatten(loop.getRegionIterArgs());
  // Tile j landed (every group but the newest num_stages - 2), and every warp
  // is done with tile j - 1, whose buffer the prefetch below overwrites.
  NVVM::CpAsyncWaitGroupOp::create(b, numStages - 2);
  gpu::BarrierOp::create(b);
  prefetchTile(add(b, tile, cIndex(b, numStages - 1)));

  WarpState out;
  if (!masked) {
    out = attendTile(in, tile, /*masked=*/false);
  } else {
    // Skip the tile when none of the warp's rows sees any of it.
    Value isSequence = lessThan(b, tile, numSequenceTiles);
    Value seen;
    if (spec.hasSequence) {
      Value first = mul(b, tile, cIndex(b, blockN));
      Value end = block.rowKeyEnd(b, spec, args, warpLastPosition);
      seen = lessThan(b, first, end);
    }
    if (spec.hasDepth) {
      Value first = add(b, block.depthSpanBegin,
                        mul(b, sub(b, tile, numSequenceTiles),
                            cIndex(b, blockN)));
      Value begin = block.depthWindow(b, spec, args, warpFirstPosition).first;
      Value end = block.depthWindow(b, spec, args, warpLastPosition).second;
      Value depthSeen = arith::AndIOp::create(
          b, lessThan(b, first, end),
          lessThan(b, begin, add(b, first, cIndex(b, blockN))));
      seen = seen ? select(b, isSequence, seen, depthSeen) : depthSeen;
    }
    SmallVector<Value> inValues = in.flatten();
    auto branch = scf::IfOp::create(b, TypeRange(ValueRange(inValues)), seen,
                                    /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard inner(b);
      b.setInsertionPointToStart(branch.thenBlock());
      scf::YieldOp::create(b, attendTile(in, tile, /*masked=*/true).flatten());
      b.setInsertionPointToStart(branch.elseBlock());
      scf::YieldOp::create(b, inValues);
    }
    out = WarpState::unflatten(branch.getResults());
  }
  scf::YieldOp::create(b, out.flatten());
  return WarpState::unflatten(loop.getResults());
}

void MmaBlockBuilder::storeResults(const WarpState &state) {
  Value zeroF = cF32(b, 0.0);
  Value group = cIndex(b, spec.groupSize);
  for (int half = 0; half < 2; ++half) {
    Value sum = quadReduce(state.sum[half], /*isMax=*/false);
    // A row that saw nothing has out = 0 and lse = -inf (never NaN).
    Value sawSomething =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, sum, zeroF);
    Value inverse = select(
        b, sawSomething, arith::DivFOp::create(b, cF32(b, 1.0), sum), zeroF);
    auto store = scf::IfOp::create(b, rowValid[half],
                                   /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    Value row = add(b, block.rowBase, laneRow(half));
    Value queryHead = add(b, mul(b, block.head, group), rem(b, row, group));
    Value rowOffset = block.queryRowOffset(b, spec, args, rowPosition[half],
                                           queryHead);
    Value laneColumn = mul(b, laneInGroup, cIndex(b, 2));
    for (int64_t n = 0; n < headDim / 8; ++n) {
      Value lo = arith::MulFOp::create(b, state.acc[4 * n + 2 * half], inverse);
      Value hi =
          arith::MulFOp::create(b, state.acc[4 * n + 2 * half + 1], inverse);
      Value offset = add(b, rowOffset, add(b, laneColumn, cIndex(b, 8 * n)));
      vector::StoreOp::create(b, packPair(lo, hi), args.out,
                              ValueRange{offset});
    }
    auto writesLse = scf::IfOp::create(
        b,
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, laneInGroup,
                              cIndex(b, 0)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(writesLse.thenBlock());
    Value logSumExp = arith::AddFOp::create(
        b, arith::MulFOp::create(b, state.max[half], cF32(b, M_LN2)),
        math::LogOp::create(b, sum));
    Value lse = select(b, sawSomething, logSumExp, cF32(b, -INFINITY));
    memref::StoreOp::create(
        b, lse, args.lse,
        ValueRange{block.lseOffset(b, spec, args, rowPosition[half],
                                   queryHead)});
  }
}

void MmaBlockBuilder::build() {
  computeIds();

  // Prologue: the query tile, then tiles 0 .. num_stages - 2, one group each.
  Value group = cIndex(b, spec.groupSize);
  copyRowsAsync(args.q, tiles.query, cIndex(b, 0), blockM,
                [&](Value rowInBlock) -> std::pair<Value, Value> {
                  Value row = add(b, block.rowBase, rowInBlock);
                  Value valid = lessThan(b, row, block.numRows);
                  Value safeRow = select(b, valid, row, block.rowBase);
                  Value queryHead = add(b, mul(b, block.head, group),
                                        rem(b, safeRow, group));
                  return {block.queryRowOffset(b, spec, args,
                                               div(b, safeRow, group),
                                               queryHead),
                          valid};
                });
  NVVM::CpAsyncCommitGroupOp::create(b);
  for (int64_t stage = 0; stage + 1 < numStages; ++stage)
    prefetchTile(cIndex(b, stage));
  NVVM::CpAsyncWaitGroupOp::create(b, numStages - 1);
  gpu::BarrierOp::create(b);
  queryFragments = loadQueryFragments();

  WarpState state;
  state.max = {cF32(b, -INFINITY), cF32(b, -INFINITY)};
  state.sum = {cF32(b, 0.0), cF32(b, 0.0)};
  state.acc.assign(headDim / 8 * 4, cF32(b, 0.0));
  state = emitTileLoop(state, cIndex(b, 0), numFullTiles, /*masked=*/false);
  state = emitTileLoop(state, numFullTiles, numTiles, /*masked=*/true);
  storeResults(state);
}

} // namespace

SmallVector<MemRefType>
mlir::moda::getMmaSharedTileTypes(const AttentionKernelSpec &spec,
                                  Attribute memorySpace) {
  int64_t keyRows = spec.config.getNumStages() * spec.config.getBlockN();
  auto tile = [&](int64_t rows) {
    return MemRefType::get({rows, spec.headDim}, spec.elementType,
                           MemRefLayoutAttrInterface(), memorySpace);
  };
  return {tile(spec.config.getBlockM()), tile(keyRows), tile(keyRows)};
}

void mlir::moda::buildAttentionMmaBlock(ImplicitLocOpBuilder &b,
                                        const AttentionKernelSpec &spec,
                                        const AttentionKernelArgs &args,
                                        const MmaSharedTiles &tiles) {
  MmaBlockBuilder(b, spec, args, tiles).build();
}
