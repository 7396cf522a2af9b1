//===- AttentionMmaBlock.cpp - the forward block on tensor cores ----------===//
//
// The same algorithm as AttentionBlock.cpp (folded rows, one online softmax
// over sequence and depth, log2 domain, the block's contiguous depth span),
// with the work laid out for warp-level tensor-core MMA (mma.sync m16n8k16,
// bf16/f16 in, f32 accumulate):
//
//  * each warp owns 16 or 32 folded rows (one or two m-tiles: block_m / (16 x
//    num_warps)); of each m-tile a lane holds rows r = lane / 4 and r + 8,
//    columns 2 * (lane % 4) + {0, 1} of every 8-wide n-tile (the m16n8
//    accumulator layout). Two m-tiles per warp read each K and V fragment
//    from shared memory once for both: half the shared-memory traffic per
//    MMA, which is what bounds one m-tile per warp;
//  * S = Q K^T is 16 x block_n per m-tile; its accumulator registers are, two
//    n-tiles at a time, exactly the A operand of P V (no shuffle through
//    shared memory), after the softmax turned them into bf16/f16 pairs;
//  * operands come from shared memory with ldmatrix (x4; V transposed);
//    tiles are stored with the 16-byte chunk index XORed with (row mod 8),
//    so the eight rows an ldmatrix phase reads hit eight different bank
//    groups, and cp.async writes of eight consecutive threads fill one row;
//  * two streams of key/value tiles, sequence tiles of block_n keys and the
//    depth span's tiles of block_depth entries, advance in lockstep through
//    `num_stages` shared buffers each, loaded with cp.async (16 bytes per
//    thread, zero-filled past the end): step j uses sequence tile j and depth
//    tile j while steps j+1 .. j+num_stages-1 are in flight. The depth loads
//    thus ride along the sequence pipeline instead of adding steps of their
//    own (a depth tile's compute is small: most warps skip it);
//  * all tiles live in dynamic shared memory (more than the 48 KiB of static
//    shared memory; the runtime opts the kernel in);
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

/// Rows of one m16n8k16 MMA tile.
constexpr int64_t kMmaRows = 16;
/// Elements of a 16-byte chunk of bf16/f16.
constexpr int64_t kChunk = 8;

/// The per-thread online-softmax state of a warp's rows. The lane's rows are
/// numbered r = 2 * m + half (m-tile m; half 0: row lane/4, half 1: row
/// lane/4 + 8). Per lane row: the running max (log2 units) and the lane's
/// partial sum; the output accumulator holds, per m-tile and 8-wide n-tile of
/// the head dimension, the four f32 of the m16n8 layout (elements 0, 1 on
/// half 0; 2, 3 on half 1).
struct WarpState {
  SmallVector<Value> max, sum;
  SmallVector<Value> acc;

  SmallVector<Value> flatten() const {
    SmallVector<Value> values(max.begin(), max.end());
    values.append(sum.begin(), sum.end());
    values.append(acc.begin(), acc.end());
    return values;
  }
  static WarpState unflatten(ValueRange values, int64_t laneRows) {
    WarpState s;
    s.max.assign(values.begin(), values.begin() + laneRows);
    s.sum.assign(values.begin() + laneRows, values.begin() + 2 * laneRows);
    s.acc.assign(values.begin() + 2 * laneRows, values.end());
    return s;
  }
};

/// A stream of key/value tiles staged through `num_stages` shared buffers.
struct TileStream {
  bool isDepth = false;
  /// Entries per tile.
  int64_t rows = 0;
  /// The global tensors and their shared buffers ((num_stages * rows) x D).
  Value globalKeys, globalValues, keys, values;
  Value numTiles;
  explicit operator bool() const { return rows != 0; }
};

class MmaBlockBuilder {
public:
  MmaBlockBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                  const AttentionKernelArgs &args)
      : b(b), spec(spec), args(args) {
    f32 = b.getF32Type();
    i32 = b.getI32Type();
    blockM = spec.config.getBlockM();
    blockN = spec.config.getBlockN();
    numStages = spec.config.getNumStages();
    headDim = spec.headDim;
    numThreads = spec.getNumThreads();
    mTiles = blockM / (kMmaRows * spec.config.getNumWarps());
    laneRows = 2 * mTiles;
  }

  void build();

private:
  // Threads and the block.
  void computeIds();
  // Global -> shared copies.
  void copyRowsAsync(Value global, Value tile, Value tileRowBase,
                     int64_t numRows,
                     function_ref<std::pair<Value, Value>(Value)> rowSource);
  void allocateSharedTiles();
  void prefetchStep(Value step);
  Value firstEntry(const TileStream &stream, Value step);
  Value warpSees(const TileStream &stream, Value step);
  // Warp-level tensor-core pieces.
  Value swizzledColumn(Value row, Value column);
  SmallVector<Value, 4> loadMatrixX4(Value tile, Value row, Value column,
                                     bool transpose);
  SmallVector<Value, 4> mma(ArrayRef<Value> a, ArrayRef<Value> bOperand,
                            ArrayRef<Value> c);
  Value packPair(Value lo, Value hi);
  Value quadReduce(Value v, bool isMax);
  Value exp2(Value x);
  SmallVector<SmallVector<Value>> loadQueryFragments();
  // One tile.
  WarpState attendTile(const WarpState &state, const TileStream &stream,
                       Value step, bool masked);
  WarpState attendIfSeen(const WarpState &state, const TileStream &stream,
                         Value step);
  WarpState emitStepLoop(WarpState state, Value firstStep, Value endStep,
                         bool maskedSequence, bool withDepth);
  void storeResults(const WarpState &state);

  /// Row (in the block) of lane row r = 2 * m + half.
  Value laneRow(int64_t r) {
    return add(b, add(b, warpFirstRow, laneGroup),
               cIndex(b, kMmaRows * (r / 2) + 8 * (r % 2)));
  }
  WarpState unflatten(ValueRange values) {
    return WarpState::unflatten(values, laneRows);
  }

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionKernelArgs &args;
  Value queryTile;
  TileStream sequence, depth;
  Type f32, i32;
  int64_t blockM, blockN, numStages, headDim, numThreads;
  /// m-tiles per warp, and rows per lane (two per m-tile).
  int64_t mTiles, laneRows;

  Value threadId, warp, lane, laneGroup, laneInGroup;
  /// The warp's first row in the block.
  Value warpFirstRow;
  QueryBlockGeometry block;
  /// Steps [0, numFullSteps) use fully visible sequence tiles (no mask);
  /// there are numSteps = max(sequence tiles, depth tiles) steps.
  Value numFullSteps, numSteps;
  /// The query fragments of the warp: per m-tile, 4 registers per 16
  /// columns of D.
  SmallVector<SmallVector<Value>> queryFragments;
  /// Per lane row: the position, whether the row exists, the end of its
  /// sequence keys and its depth window.
  SmallVector<Value> rowPosition, rowValid, rowKeyEnd, rowWindowBegin,
      rowWindowEnd;
  /// What any row of the warp can see: sequence keys below warpKeyEnd, depth
  /// entries in [warpWindowBegin, warpWindowEnd). Block-invariant, so
  /// computed once rather than at every step.
  Value warpKeyEnd, warpWindowBegin, warpWindowEnd;
};

void MmaBlockBuilder::computeIds() {
  threadId = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value warpSize = cIndex(b, 32);
  warp = div(b, threadId, warpSize);
  lane = rem(b, threadId, warpSize);
  laneGroup = div(b, lane, cIndex(b, 4));
  laneInGroup = rem(b, lane, cIndex(b, 4));
  warpFirstRow = mul(b, warp, cIndex(b, kMmaRows * mTiles));
  block = QueryBlockGeometry::compute(
      b, spec, args, gpu::BlockIdOp::create(b, gpu::Dimension::x),
      gpu::BlockIdOp::create(b, gpu::Dimension::y),
      gpu::BlockIdOp::create(b, gpu::Dimension::z),
      spec.config.getBlockDepth());

  Value zero = cIndex(b, 0);
  if (spec.hasSequence) {
    sequence.numTiles = block.numSequenceTiles;
    sequence.rows = blockN;
    sequence.globalKeys = args.k;
    sequence.globalValues = args.v;
  }
  if (spec.hasDepth) {
    depth.isDepth = true;
    depth.numTiles = block.numDepthTiles;
    depth.rows = spec.config.getBlockDepth();
    depth.globalKeys = args.depthK;
    depth.globalValues = args.depthV;
  }
  numFullSteps = spec.hasSequence ? block.numFullTiles : zero;
  if (sequence && depth)
    numSteps = arith::MaxUIOp::create(b, sequence.numTiles, depth.numTiles);
  else
    numSteps = sequence ? sequence.numTiles : depth.numTiles;

  Value group = cIndex(b, spec.groupSize);
  for (int64_t r = 0; r < laneRows; ++r) {
    Value row = add(b, block.rowBase, laneRow(r));
    Value valid = lessThan(b, row, block.numRows);
    Value position = div(b, row, group);
    rowValid.push_back(valid);
    rowPosition.push_back(position);
    if (spec.hasSequence)
      rowKeyEnd.push_back(
          select(b, valid, block.rowKeyEnd(b, spec, args, position), zero));
    if (spec.hasDepth) {
      auto [begin, end] = block.depthWindow(b, spec, args, position);
      rowWindowBegin.push_back(begin);
      rowWindowEnd.push_back(select(b, valid, end, zero));
    }
  }
  // Rows past the end belong to the block's last position.
  Value firstRow = add(b, block.rowBase, warpFirstRow);
  Value lastRow = sub(b, block.numRows, cIndex(b, 1));
  Value warpFirstPosition =
      div(b, arith::MinUIOp::create(b, firstRow, lastRow), group);
  Value warpLastPosition = div(
      b,
      arith::MinUIOp::create(
          b, add(b, firstRow, cIndex(b, kMmaRows * mTiles - 1)), lastRow),
      group);
  if (spec.hasSequence)
    warpKeyEnd = block.rowKeyEnd(b, spec, args, warpLastPosition);
  if (spec.hasDepth) {
    warpWindowBegin =
        block.depthWindow(b, spec, args, warpFirstPosition).first;
    warpWindowEnd = block.depthWindow(b, spec, args, warpLastPosition).second;
  }
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

void MmaBlockBuilder::allocateSharedTiles() {
  // [query | sequence keys | sequence values | depth keys | depth values],
  // each a (rows x D) view of the dynamic shared memory; every size is a
  // multiple of 128 bytes, so every view keeps the base's alignment.
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                         MemRefLayoutAttrInterface(), workgroup));
  int64_t offset = 0;
  auto view = [&](int64_t rows) {
    auto type = MemRefType::get({rows, headDim}, spec.elementType,
                                MemRefLayoutAttrInterface(), workgroup);
    Value tile = memref::ViewOp::create(b, type, base, cIndex(b, offset),
                                        ValueRange{});
    offset += rows * headDim * spec.elementType.getIntOrFloatBitWidth() / 8;
    return tile;
  };
  queryTile = view(blockM);
  for (TileStream *stream : {&sequence, &depth})
    if (*stream) {
      stream->keys = view(numStages * stream->rows);
      stream->values = view(numStages * stream->rows);
    }
  assert(offset == spec.getDynamicSharedMemoryBytes() &&
         "the kernel's shared memory differs from its spec");
}

Value MmaBlockBuilder::firstEntry(const TileStream &stream, Value step) {
  Value first = mul(b, step, cIndex(b, stream.rows));
  return stream.isDepth ? add(b, block.depthSpanBegin, first) : first;
}

void MmaBlockBuilder::prefetchStep(Value step) {
  // Step j's tiles go to buffer j mod num_stages of their stream. A group is
  // committed even when there is nothing to load, so that "all but the
  // newest num_stages - 2 groups" always means "step j has landed".
  for (TileStream *stream : {&sequence, &depth}) {
    if (!*stream)
      continue;
    auto exists = scf::IfOp::create(b, lessThan(b, step, stream->numTiles),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(exists.thenBlock());
    Value bufferRow =
        mul(b, rem(b, step, cIndex(b, numStages)), cIndex(b, stream->rows));
    Value first = firstEntry(*stream, step);
    Value end = stream->isDepth ? block.depthSpanEnd : args.keys;
    auto source = [&](Value row) -> std::pair<Value, Value> {
      Value entry = add(b, first, row);
      Value valid = lessThan(b, entry, end);
      Value safe = select(b, valid, entry, first);
      return {stream->isDepth ? block.depthRowOffset(b, spec, args, safe)
                              : block.sequenceRowOffset(b, spec, args, safe),
              valid};
    };
    copyRowsAsync(stream->globalKeys, stream->keys, bufferRow, stream->rows,
                  source);
    copyRowsAsync(stream->globalValues, stream->values, bufferRow,
                  stream->rows, source);
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

Value MmaBlockBuilder::exp2(Value x) {
  // One MUFU.EX2: the flush-to-zero form skips the scaling that keeps
  // denormal results (weights below 2^-126 do not move a bf16/f16 output).
  return LLVM::CallIntrinsicOp::create(b, f32,
                                       b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"),
                                       ValueRange{x})
      .getResult(0);
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

SmallVector<SmallVector<Value>> MmaBlockBuilder::loadQueryFragments() {
  // A operand, 16 x 16 per k-step: matrices (rows 0-7, cols 0-7),
  // (rows 8-15, cols 0-7), (rows 0-7, cols 8-15), (rows 8-15, cols 8-15).
  Value rowInTile =
      add(b, rem(b, lane, cIndex(b, 8)),
          mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)),
              cIndex(b, 8)));
  Value columnInStep = mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8));
  SmallVector<SmallVector<Value>> fragments(mTiles);
  for (int64_t m = 0; m < mTiles; ++m) {
    Value row = add(b, add(b, warpFirstRow, rowInTile),
                    cIndex(b, kMmaRows * m));
    for (int64_t k = 0; k < headDim; k += 16) {
      SmallVector<Value, 4> regs = loadMatrixX4(
          queryTile, row, add(b, columnInStep, cIndex(b, k)),
          /*transpose=*/false);
      fragments[m].append(regs.begin(), regs.end());
    }
  }
  return fragments;
}

WarpState MmaBlockBuilder::attendTile(const WarpState &state,
                                      const TileStream &stream, Value step,
                                      bool masked) {
  Value bufferRow =
      mul(b, rem(b, step, cIndex(b, numStages)), cIndex(b, stream.rows));
  int64_t nTiles = stream.rows / 8;
  int64_t headTiles = headDim / 8;

  // S = Q K^T. K (rows = keys) as the column-major B operand: ldmatrix x4
  // gives (keys 0-7, dims 0-7), (keys 0-7, dims 8-15), (keys 8-15, dims
  // 0-7), (keys 8-15, dims 8-15): the B registers of two n-tiles, used by
  // every m-tile of the warp.
  Value keyRowInPair = add(
      b, rem(b, lane, cIndex(b, 8)),
      mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8)));
  Value keyColumnInStep =
      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)), cIndex(b, 8));
  Value zeroF = cF32(b, 0.0);
  // scores[m][n] = the four accumulator registers of m-tile m, n-tile n.
  SmallVector<SmallVector<SmallVector<Value, 4>>> scores(
      mTiles, SmallVector<SmallVector<Value, 4>>(
                  nTiles, SmallVector<Value, 4>(4, zeroF)));
  for (int64_t k = 0; k < headDim / 16; ++k) {
    for (int64_t pair = 0; pair < nTiles / 2; ++pair) {
      Value row = add(b, bufferRow, add(b, keyRowInPair, cIndex(b, 16 * pair)));
      SmallVector<Value, 4> kRegs =
          loadMatrixX4(stream.keys, row,
                       add(b, keyColumnInStep, cIndex(b, 16 * k)),
                       /*transpose=*/false);
      for (int64_t m = 0; m < mTiles; ++m) {
        ArrayRef<Value> a = ArrayRef<Value>(queryFragments[m]).slice(4 * k, 4);
        for (int64_t t = 0; t < 2; ++t)
          scores[m][2 * pair + t] = mma(a, {kRegs[2 * t], kRegs[2 * t + 1]},
                                        scores[m][2 * pair + t]);
      }
    }
  }

  Value negInf = cF32(b, -INFINITY);
  if (masked) {
    // Column c of the tile is visible to a row iff lo <= first + c < hi:
    // [0, key end) of sequence keys, the row's depth window of entries.
    Value laneColumn = add(b, firstEntry(stream, step),
                           mul(b, laneInGroup, cIndex(b, 2)));
    for (int64_t r = 0; r < laneRows; ++r) {
      Value lo = stream.isDepth ? rowWindowBegin[r] : cIndex(b, 0);
      Value hi = stream.isDepth ? rowWindowEnd[r] : rowKeyEnd[r];
      int64_t m = r / 2, half = r % 2;
      for (int64_t n = 0; n < nTiles; ++n)
        for (int64_t e = 2 * half; e < 2 * half + 2; ++e) {
          Value column = add(b, laneColumn, cIndex(b, 8 * n + e % 2));
          Value visible = arith::AndIOp::create(
              b,
              arith::CmpIOp::create(b, arith::CmpIPredicate::sge, column, lo),
              lessThan(b, column, hi));
          scores[m][n][e] = select(b, visible, scores[m][n][e], negInf);
        }
    }
  }

  // Online softmax in log2 units: p = exp2(s * c - m) with c = scale *
  // log2(e) folded into one fma per score.
  Value scaleLog2 = cF32(b, spec.scale * M_LOG2E);
  WarpState next = state;
  SmallVector<Value> rescale(laneRows);
  for (int64_t r = 0; r < laneRows; ++r) {
    int64_t m = r / 2, half = r % 2;
    Value rowMax = negInf;
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 2 * half; e < 2 * half + 2; ++e)
        rowMax = arith::MaximumFOp::create(b, rowMax, scores[m][n][e]);
    rowMax = arith::MulFOp::create(b, quadReduce(rowMax, /*isMax=*/true),
                                   scaleLog2);
    Value newMax = arith::MaximumFOp::create(b, state.max[r], rowMax);
    // A row that has seen nothing yet keeps max = -inf; exponents are then
    // taken against 0 so that exp2(-inf - -inf) never makes a NaN.
    Value isEmpty = arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ,
                                          newMax, negInf);
    Value base = select(b, isEmpty, zeroF, newMax);
    Value negBase = arith::NegFOp::create(b, base);
    rescale[r] = exp2(arith::SubFOp::create(b, state.max[r], base));
    Value partial = zeroF;
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 2 * half; e < 2 * half + 2; ++e) {
        scores[m][n][e] =
            exp2(math::FmaOp::create(b, scores[m][n][e], scaleLog2, negBase));
        partial = arith::AddFOp::create(b, partial, scores[m][n][e]);
      }
    next.max[r] = newMax;
    next.sum[r] = arith::AddFOp::create(
        b, arith::MulFOp::create(b, state.sum[r], rescale[r]), partial);
  }
  for (int64_t i = 0, e = next.acc.size(); i < e; ++i) {
    int64_t m = i / (4 * headTiles), half = (i % 4) / 2;
    next.acc[i] = arith::MulFOp::create(b, state.acc[i],
                                        rescale[2 * m + half]);
  }

  // O += P V. P's accumulator registers of n-tiles 2k and 2k+1 are the A
  // operand of k-step k; V (rows = keys) is the row-major B operand, read
  // transposed: (keys 0-7, dims 0-7), (keys 8-15, dims 0-7), (keys 0-7,
  // dims 8-15), (keys 8-15, dims 8-15).
  Value valueRowInStep = add(
      b, rem(b, lane, cIndex(b, 8)),
      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)), cIndex(b, 8)));
  Value valueColumnInPair = mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8));
  for (int64_t k = 0; k < stream.rows / 16; ++k) {
    SmallVector<SmallVector<Value, 4>> a;
    for (int64_t m = 0; m < mTiles; ++m)
      a.push_back({packPair(scores[m][2 * k][0], scores[m][2 * k][1]),
                   packPair(scores[m][2 * k][2], scores[m][2 * k][3]),
                   packPair(scores[m][2 * k + 1][0], scores[m][2 * k + 1][1]),
                   packPair(scores[m][2 * k + 1][2], scores[m][2 * k + 1][3])});
    Value row = add(b, bufferRow, add(b, valueRowInStep, cIndex(b, 16 * k)));
    for (int64_t pair = 0; pair < headDim / 16; ++pair) {
      SmallVector<Value, 4> vRegs = loadMatrixX4(
          stream.values, row, add(b, valueColumnInPair, cIndex(b, 16 * pair)),
          /*transpose=*/true);
      for (int64_t m = 0; m < mTiles; ++m)
        for (int64_t t = 0; t < 2; ++t) {
          auto c = next.acc.begin() + 4 * (m * headTiles + 2 * pair + t);
          SmallVector<Value, 4> d =
              mma(a[m], {vRegs[2 * t], vRegs[2 * t + 1]},
                  SmallVector<Value, 4>(c, c + 4));
          std::copy(d.begin(), d.end(), c);
        }
    }
  }
  return next;
}

Value MmaBlockBuilder::warpSees(const TileStream &stream, Value step) {
  Value first = firstEntry(stream, step);
  Value exists = lessThan(b, step, stream.numTiles);
  if (!stream.isDepth)
    return arith::AndIOp::create(b, exists, lessThan(b, first, warpKeyEnd));
  Value overlaps = arith::AndIOp::create(
      b, lessThan(b, first, warpWindowEnd),
      lessThan(b, warpWindowBegin, add(b, first, cIndex(b, stream.rows))));
  return arith::AndIOp::create(b, exists, overlaps);
}

WarpState MmaBlockBuilder::attendIfSeen(const WarpState &state,
                                        const TileStream &stream,
                                        Value step) {
  // The condition is uniform over the warp: the MMAs inside stay converged.
  SmallVector<Value> inValues = state.flatten();
  auto branch = scf::IfOp::create(b, TypeRange(ValueRange(inValues)),
                                  warpSees(stream, step),
                                  /*withElseRegion=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(branch.thenBlock());
  scf::YieldOp::create(
      b, attendTile(state, stream, step, /*masked=*/true).flatten());
  b.setInsertionPointToStart(branch.elseBlock());
  scf::YieldOp::create(b, inValues);
  return unflatten(branch.getResults());
}

WarpState MmaBlockBuilder::emitStepLoop(WarpState state, Value firstStep,
                                        Value endStep, bool maskedSequence,
                                        bool withDepth) {
  auto loop = scf::ForOp::create(b, firstStep, endStep, cIndex(b, 1),
                                 state.flatten());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value step = loop.getInductionVar();
  WarpState current = unflatten(loop.getRegionIterArgs());
  // Step j landed (every group but the newest num_stages - 2), and every warp
  // is done with step j - 1, whose buffers the prefetch below overwrites.
  NVVM::CpAsyncWaitGroupOp::create(b, numStages - 2);
  gpu::BarrierOp::create(b);
  prefetchStep(add(b, step, cIndex(b, numStages - 1)));
  if (sequence)
    current = maskedSequence ? attendIfSeen(current, sequence, step)
                             : attendTile(current, sequence, step,
                                          /*masked=*/false);
  if (withDepth)
    current = attendIfSeen(current, depth, step);
  scf::YieldOp::create(b, current.flatten());
  return unflatten(loop.getResults());
}

void MmaBlockBuilder::storeResults(const WarpState &state) {
  Value zeroF = cF32(b, 0.0);
  Value group = cIndex(b, spec.groupSize);
  int64_t headTiles = headDim / 8;
  for (int64_t r = 0; r < laneRows; ++r) {
    int64_t m = r / 2, half = r % 2;
    Value sum = quadReduce(state.sum[r], /*isMax=*/false);
    // A row that saw nothing has out = 0 and lse = -inf (never NaN).
    Value sawSomething =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OGT, sum, zeroF);
    Value inverse = select(
        b, sawSomething, arith::DivFOp::create(b, cF32(b, 1.0), sum), zeroF);
    auto store = scf::IfOp::create(b, rowValid[r], /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    Value row = add(b, block.rowBase, laneRow(r));
    Value queryHead = add(b, mul(b, block.head, group), rem(b, row, group));
    Value rowOffset =
        block.queryRowOffset(b, spec, args, rowPosition[r], queryHead);
    Value laneColumn = mul(b, laneInGroup, cIndex(b, 2));
    for (int64_t n = 0; n < headTiles; ++n) {
      int64_t i = 4 * (m * headTiles + n) + 2 * half;
      Value lo = arith::MulFOp::create(b, state.acc[i], inverse);
      Value hi = arith::MulFOp::create(b, state.acc[i + 1], inverse);
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
        b, arith::MulFOp::create(b, state.max[r], cF32(b, M_LN2)),
        math::LogOp::create(b, sum));
    Value lse = select(b, sawSomething, logSumExp, cF32(b, -INFINITY));
    memref::StoreOp::create(
        b, lse, args.lse,
        ValueRange{block.lseOffset(b, spec, args, rowPosition[r], queryHead)});
  }
}

void MmaBlockBuilder::build() {
  computeIds();
  allocateSharedTiles();

  // Prologue: the query tile, then steps 0 .. num_stages - 2, one group each.
  Value group = cIndex(b, spec.groupSize);
  copyRowsAsync(args.q, queryTile, cIndex(b, 0), blockM,
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
    prefetchStep(cIndex(b, stage));
  NVVM::CpAsyncWaitGroupOp::create(b, numStages - 1);
  gpu::BarrierOp::create(b);
  queryFragments = loadQueryFragments();

  WarpState state;
  state.max.assign(laneRows, cF32(b, -INFINITY));
  state.sum.assign(laneRows, cF32(b, 0.0));
  state.acc.assign(mTiles * headDim / 8 * 4, cF32(b, 0.0));
  // The fully visible steps that also carry a depth tile, then those that
  // do not (the hot loop, free of depth code), then the masked steps.
  bool hasDepth = bool(depth);
  Value depthEnd = numFullSteps;
  if (hasDepth && sequence)
    depthEnd = arith::MinUIOp::create(b, numFullSteps, depth.numTiles);
  if (hasDepth && sequence)
    state = emitStepLoop(state, cIndex(b, 0), depthEnd,
                         /*maskedSequence=*/false, /*withDepth=*/true);
  if (sequence)
    state = emitStepLoop(state, hasDepth ? depthEnd : cIndex(b, 0),
                         numFullSteps, /*maskedSequence=*/false,
                         /*withDepth=*/false);
  state = emitStepLoop(state, numFullSteps, numSteps, /*maskedSequence=*/true,
                       hasDepth);
  storeResults(state);
}

} // namespace

void mlir::moda::buildAttentionMmaBlock(ImplicitLocOpBuilder &b,
                                        const AttentionKernelSpec &spec,
                                        const AttentionKernelArgs &args) {
  MmaBlockBuilder(b, spec, args).build();
}
