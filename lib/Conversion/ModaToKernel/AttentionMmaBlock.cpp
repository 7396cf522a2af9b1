//===- AttentionMmaBlock.cpp - the forward block on tensor cores ----------===//
//
// The same algorithm as AttentionBlock.cpp (folded rows, one online softmax
// over sequence and depth, log2 domain, the block's contiguous depth span),
// with the work laid out for tensor-core MMA, in one of two families:
//
//  * mma = mma_sync (sm_80+): warp-level m16n8k16. Each warp owns 16 or 32
//    folded rows (one or two m-tiles: block_m / (16 x num_warps)); operands
//    come from shared memory with ldmatrix (x4; V transposed). Two m-tiles
//    per warp read each K and V fragment once for both;
//  * mma = wgmma (sm_90a): warpgroup-level m64nNk16. Each warpgroup of four
//    warps owns 64 rows (a warp 16 of them, one m-tile); S = Q K^T is one
//    m64 x block_n MMA per 16 columns of D and O += P V one m64 x D MMA per
//    16 keys, with A (Q, then P) from registers and B (K; V transposed by
//    the instruction) read by the tensor cores straight from shared memory
//    through descriptors (WarpgroupMma.cpp).
//
// Either way, of each m-tile a lane holds rows r = lane / 4 and r + 8,
// columns 2 * (lane % 4) + {0, 1} of every 8-wide n-tile (the m16n8
// accumulator layout, which wgmma's accumulators share warp by warp), so the
// softmax, the masks and the epilogue are one code:
//
//  * S's accumulator registers are, two n-tiles at a time, exactly the A
//    operand of P V (no shuffle through shared memory), after the softmax
//    turned them into bf16/f16 pairs;
//  * tiles are stored in panels of 64 columns (128-byte rows) with the
//    16-byte chunk index XORed with (row mod 8): conflict-free for ldmatrix
//    and cp.async, and the 128-byte swizzle wgmma reads (the tiles start on
//    a 1024-byte boundary for it);
//  * two streams of key/value tiles, sequence tiles of block_n keys and depth
//    tiles of block_depth entries, advance in lockstep through `num_stages`
//    shared buffers each, loaded with cp.async (16 bytes per thread,
//    zero-filled past the end): step j uses sequence tile j and depth tile j
//    while steps j+1 .. j+num_stages-1 are in flight. The depth loads ride
//    along the sequence pipeline. With mma.sync a depth tile is a piece of
//    the block's span that most warps skip; with wgmma each warpgroup has a
//    depth tile of its own in every stage (its 64 rows' span), so no
//    warpgroup waits at the barrier for another's depth work;
//  * all tiles live in dynamic shared memory (more than the 48 KiB of static
//    shared memory; the runtime opts the kernel in);
//  * the fully visible sequence tiles run without a mask; only the diagonal
//    tiles and the depth tiles compute per-row bounds, and a warp (a
//    warpgroup with wgmma) skips a masked tile none of its rows can see.
//
// The same block serves the backward on warpgroup MMA (GPU only): the dq
// kernel streams the same key and depth tiles past a query block and
// computes S and dP = dO V^T in one group, P from the forward's lse,
// dS = P (dP - Delta), dQ += dS K; the dkv kernel turns the roles (a block
// of keys, K and V as A operands read from shared memory, tiles of folded
// query rows streamed like key tiles with their Q and dO rows, and their
// lse and Delta) and accumulates dV += P^T dO and dK += dS^T Q. Where a
// depth entry's rows are all one warpgroup's (fusesDepthGradsIntoDq), the dq
// kernel also computes d_depth_v = P^T dO and d_depth_k = dS^T Q per depth
// tile, from P and dS staged in shared memory.
//
// GPU only: the host path runs AttentionBlock.cpp's and AttentionGradBlock's
// SIMT formulations.
//
//===----------------------------------------------------------------------===//

#include "QueryBlockGeometry.h"
#include "../NVVMPrimitives/FastExp2.h"
#include "../NVVMPrimitives/WarpgroupMma.h"

#include "../NVVMPrimitives/WarpMma.h"

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

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
#include <tuple>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::indexing;

namespace {

/// Rows of one m16n8k16 MMA tile.
constexpr int64_t kMmaRows = 16;
/// Elements of a 16-byte chunk of bf16/f16.
constexpr int64_t kChunk = 8;
/// Columns of one swizzled panel: a 128-byte row of bf16/f16.
constexpr int64_t kPanelColumns = 64;
/// Rows of one warpgroup MMA (m64), and the warpgroup's warps and threads.
constexpr int64_t kWarpgroupRows = 64;
constexpr int64_t kWarpgroupWarps = kWarpgroupRows / kMmaRows;
constexpr int64_t kWarpgroupThreads = 32 * kWarpgroupWarps;

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
  /// `statsRows`: rows with a max and a sum (none in the dq kernel, whose
  /// softmax statistics are the forward's log-sum-exp).
  static WarpState unflatten(ValueRange values, int64_t statsRows) {
    WarpState s;
    s.max.assign(values.begin(), values.begin() + statsRows);
    s.sum.assign(values.begin() + statsRows, values.begin() + 2 * statsRows);
    s.acc.assign(values.begin() + 2 * statsRows, values.end());
    return s;
  }
};

/// A stream of key/value tiles staged through `num_stages` shared buffers.
struct TileStream {
  bool isDepth = false;
  /// Entries per tile.
  int64_t rows = 0;
  /// Tiles side by side in a stage: 1, or, for the depth stream with wgmma,
  /// one per warpgroup (each walks its own rows' span of depth entries).
  int64_t units = 1;
  /// The global tensors and their shared buffers ((num_stages * panels *
  /// units * rows) x 64: per stage, per 64-column panel of D, the units'
  /// tiles' rows).
  Value globalKeys, globalValues, keys, values;
  /// With wgmma: the shared byte addresses (i64) of the buffers.
  Value keysAddress, valuesAddress;
  /// Per unit, the entries [spanBegin, spanEnd) its tiles walk; the span of
  /// the unit this thread computes with.
  SmallVector<Value> spanBegin, spanEnd;
  Value mySpanBegin, mySpanEnd;
  /// The unit this thread computes with (an index).
  Value myUnit;
  /// Steps that carry a tile: the longest unit span's.
  Value numTiles;
  /// The dkv kernel's stream: folded query rows (Q and dO rows).
  bool isQueryRows = false;
  int64_t stageRows() const { return units * rows; }
  explicit operator bool() const { return rows != 0; }
};

/// Per m-tile, per 8-wide n-tile, the four accumulator registers.
using Scores = SmallVector<SmallVector<SmallVector<Value, 4>>>;

/// The A operand of a warpgroup product: the warp's fragments, or a tile of
/// block_m rows in shared memory (its byte address; the warpgroup reads its
/// own 64 rows), which spares the registers.
struct AOperand {
  const SmallVector<SmallVector<Value>> *fragments = nullptr;
  Value tileAddress;
};

class MmaBlockBuilder {
public:
  /// With `grad`, a block of the backward (wgmma only): the dq kernel's
  /// (per step P = exp2(S c - lse), dP = dO V^T, dS = P (dP - Delta),
  /// dQ += dS K) or, with `keyGrad`, the dkv kernel's (a block of keys
  /// against tiles of query rows: P^T, dP^T = V dO^T, dV += P^T dO,
  /// dS^T = P^T (dP^T - Delta), dK += dS^T Q).
  MmaBlockBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                  const AttentionKernelArgs &args,
                  const GradTensors *grad = nullptr, bool keyGrad = false)
      : b(b), spec(spec), args(args), grad(grad), keyGrad(keyGrad) {
    f32 = b.getF32Type();
    i32 = b.getI32Type();
    blockM = spec.config.getBlockM();
    blockN = spec.config.getBlockN();
    numStages = spec.config.getNumStages();
    headDim = spec.headDim;
    numThreads = spec.getNumThreads();
    mTiles = blockM / (kMmaRows * spec.config.getNumWarps());
    laneRows = 2 * mTiles;
    panels = headDim / kPanelColumns;
    warpgroupMma = spec.config.getMma() == MmaKind::Wgmma;
    depthGrads = grad && !keyGrad && fusesDepthGradsIntoDq(spec);
  }

  void build();

private:
  // Threads and the block.
  void computeIds();
  void computeThreadIds();
  void computeKeyBlock();
  Value firstRowSeeing(Value key);
  void keyGradTile(const TileStream &stream, Value step, Scores &scores,
                   Scores &dScores, SmallVector<Value> &acc);
  void computeDepthSpans();
  // Global -> shared copies.
  std::pair<Value, Value> tileCoordinates(Value bufferFirstRow,
                                          int64_t panelRows, Value row,
                                          Value column);
  void copyRowsAsync(Value global, Value tile, Value bufferFirstRow,
                     int64_t panelRows, int64_t numRows,
                     function_ref<std::pair<Value, Value>(Value)> rowSource);
  void allocateSharedTiles();
  /// dkv kernel: the lse and Delta of query rows [firstRow, endRow) of step
  /// `step` into its stage of rowStatistics.
  void copyRowStatisticsAsync(Value step, Value firstRow, Value endRow);
  /// Where step `step`'s statistics start in rowStatistics (its stage's).
  Value rowStatisticsStageFirst(Value step) {
    return mul(b, rem(b, step, cIndex(b, numStages)), cIndex(b, 2 * blockN));
  }
  void prefetchStep(Value step);
  Value firstEntry(const TileStream &stream, Value step);
  Value bufferFirstRow(const TileStream &stream, Value step);
  Value warpSees(const TileStream &stream, Value step);
  // Warp-level tensor-core pieces.
  SmallVector<Value, 4> loadMatrixX4(Value tile, Value bufferFirstRow,
                                     int64_t panelRows, Value row,
                                     Value column, bool transpose);
  SmallVector<Value, 4> mma(ArrayRef<Value> a, ArrayRef<Value> bOperand,
                            ArrayRef<Value> c);
  Value packPair(Value lo, Value hi);
  /// An f32 whose value does not matter (the accumulators a wgmma with
  /// scale-d = 0 overwrites).
  Value undefinedF32() { return LLVM::UndefOp::create(b, f32); }
  Value quadReduce(Value v, bool isMax);
  Value exp2(Value x);
  SmallVector<SmallVector<Value>> loadQueryFragments(Value tile);
  std::pair<Value, Value> queryRowSource(Value rowInBlock);
  void loadGradRowStatistics();
  // Warpgroup-level pieces (mma = wgmma, sequence tiles).
  bool onWarpgroup(const TileStream &stream) const { return warpgroupMma; }
  Value bufferAddress(Value streamAddress, const TileStream &stream,
                      Value step);
  void warpScores(const TileStream &stream, Value step,
                  SmallVector<SmallVector<SmallVector<Value, 4>>> &scores);
  void warpAccumulate(const TileStream &stream, Value step,
                      ArrayRef<Value> probabilities, SmallVector<Value> &acc);
  /// One group of S-like products (A from the warp's fragments, B K-major
  /// from a buffer of the stream), waited for: outputs[i] = fragments[i] x
  /// buffer i ^ T.
  void warpgroupScores(const TileStream &stream, Value step,
                       ArrayRef<AOperand> a, ArrayRef<Value> bufferAddresses,
                       ArrayRef<Scores *> outputs);
  /// acc += probabilities x buffer (N-major: V in P V, K in dS K), left
  /// running.
  void warpgroupAccumulate(const TileStream &stream, Value step,
                           ArrayRef<Value> probabilities, Value bufferAddress,
                           SmallVector<Value> &acc);
  /// dq kernel with depthGrads: stages a depth tile's P and dS (bf16/f16
  /// pairs of the accumulator layout) in shared memory, then
  /// accumulateDepthGrads computes and stores the tile's d_depth_v = P^T dO
  /// and d_depth_k = scale dS^T Q.
  void stageDepthGradOperands(const TileStream &stream,
                              ArrayRef<Value> probabilities,
                              ArrayRef<Value> dS);
  void accumulateDepthGrads(const TileStream &stream, Value step);
  /// The first row of panel `panel` of the warpgroup's P (which = 0) or dS
  /// (1) region in depthGradTile.
  Value depthGradRegionRow(int64_t which, int64_t panel, int64_t entryPanels);
  /// Stores accumulator-layout bf16/f16 pairs (8 columns per two pairs) to
  /// 64 rows of depthGradTile from `regionFirstRow`.
  void storePairsToRegion(ArrayRef<Value> pairs, Value regionFirstRow);
  /// Synchronizes the warps of the calling thread's warpgroup.
  void warpgroupBarrier();
  // One tile.
  WarpState attendTile(const WarpState &state, const TileStream &stream,
                       Value step, bool masked);
  WarpState attendIfSeen(const WarpState &state, const TileStream &stream,
                         Value step);
  WarpState emitStepLoop(WarpState state, Value firstStep, Value endStep,
                         bool maskedSequence, bool withDepth);
  void storeResults(const WarpState &state);
  void storeLaneRow(ArrayRef<Value> acc, int64_t r, Value factor,
                    Value target, Value rowOffset);
  Value queryRowOffsetOf(int64_t r);
  /// wgmma reads shared memory through the async proxy: each thread orders
  /// its completed cp.async writes before it (ahead of the barrier).
  void fenceForWarpgroupMma() {
    if (warpgroupMma)
      NVVM::FenceProxyOp::create(
          b, NVVM::ProxyKindAttr::get(b.getContext(),
                                      NVVM::ProxyKind::async_shared),
          NVVM::SharedSpaceAttr::get(b.getContext(),
                                     NVVM::SharedSpace::shared_cta));
  }

  /// Row (in the block) of lane row r = 2 * m + half.
  Value laneRow(int64_t r) {
    return add(b, add(b, warpFirstRow, laneGroup),
               cIndex(b, kMmaRows * (r / 2) + 8 * (r % 2)));
  }
  WarpState unflatten(ValueRange values) {
    return WarpState::unflatten(values, grad ? 0 : laneRows);
  }

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionKernelArgs &args;
  const GradTensors *grad;
  bool keyGrad;
  /// The block's A-operand tiles: Q (and dO in the dq kernel), or K and V
  /// in the dkv kernel.
  Value queryTile, dOutTile;
  /// With wgmma: the tiles' shared byte addresses (i64).
  Value queryTileAddress, dOutTileAddress;
  /// dq kernel with depthGrads: per warpgroup, its rows' P and dS of the
  /// current depth tile ([P | dS][warpgroup][panel of 64 entries][64 rows]
  /// x 64), and the tile's shared byte address.
  Value depthGradTile, depthGradTileAddress;
  TileStream sequence, depth;
  Type f32, i32;
  int64_t blockM, blockN, numStages, headDim, numThreads;
  /// m-tiles per warp, and rows per lane (two per m-tile).
  int64_t mTiles, laneRows;
  /// 64-column panels of D in a shared tile.
  int64_t panels;
  /// Both streams on warpgroup MMA (mma = wgmma), else on the warp's
  /// mma.sync.
  bool warpgroupMma;
  /// The dq kernel computes the depth gradients too (fusesDepthGradsIntoDq).
  bool depthGrads;

  Value threadId, warp, lane, laneGroup, laneInGroup;
  /// The thread's warpgroup (four warps; with wgmma, 64 rows of the block)
  /// and that warpgroup's first row in the block.
  Value warpgroup, warpgroupFirstRow;
  /// The warp's first row in the block.
  Value warpFirstRow;
  QueryBlockGeometry block;
  /// Steps [0, numFullSteps) use fully visible sequence tiles (no mask);
  /// there are numSteps = max(sequence tiles, depth tiles) steps.
  Value numFullSteps, numSteps;
  /// The query fragments of the warp: per m-tile, 4 registers per 16
  /// columns of D.
  SmallVector<SmallVector<Value>> queryFragments, dOutFragments;
  /// dq kernel: per lane row, the forward's lse in log2 units (0 where it
  /// is -inf: such a row sees nothing) and Delta = <dO, O>.
  SmallVector<Value> rowLogSumExp2, rowDelta;
  /// Per lane row: the position, whether the row exists, the end of its
  /// sequence keys and its depth window.
  SmallVector<Value> rowPosition, rowValid, rowKeyEnd, rowWindowBegin,
      rowWindowEnd;
  /// dkv kernel: per lane row (a key), the first folded query row seeing it
  /// (the row count when none does); the folded query rows, T x G.
  SmallVector<Value> rowFirstQuery;
  Value numQueryRows;
  /// dkv kernel: steps [0, numDiagonalSteps) and [numFullSteps, numSteps)
  /// are masked.
  Value numDiagonalSteps;
  /// dkv kernel: per stage, the lse and then the Delta of the stage's
  /// block_n query rows (f32), copied with the rows' Q and dO.
  Value rowStatistics;
  /// What any row can see of those that compute a tile together (the
  /// warp's rows, or with wgmma the warpgroup's): sequence keys below
  /// sequenceKeyEnd, depth entries in [depthSeenBegin, depthSeenEnd).
  /// Block-invariant, so computed once rather than at every step.
  Value sequenceKeyEnd, depthSeenBegin, depthSeenEnd;
};

void MmaBlockBuilder::computeThreadIds() {
  threadId = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value warpSize = cIndex(b, 32);
  warp = div(b, threadId, warpSize);
  lane = rem(b, threadId, warpSize);
  laneGroup = div(b, lane, cIndex(b, 4));
  laneInGroup = rem(b, lane, cIndex(b, 4));
  warpFirstRow = mul(b, warp, cIndex(b, kMmaRows * mTiles));
  warpgroup = div(b, warp, cIndex(b, kWarpgroupWarps));
  warpgroupFirstRow = mul(b, warpgroup, cIndex(b, kWarpgroupRows));
}

Value MmaBlockBuilder::firstRowSeeing(Value key) {
  // Position t sees key s iff s <= t + S - T (bottom-right aligned): the
  // folded rows from max(s + T - S, 0) x G on.
  if (!spec.causal)
    return cIndex(b, 0);
  Value position = arith::MaxSIOp::create(
      b, sub(b, add(b, key, args.queries), args.keys), cIndex(b, 0));
  return arith::MinUIOp::create(
      b, mul(b, position, cIndex(b, spec.groupSize)), numQueryRows);
}

void MmaBlockBuilder::computeKeyBlock() {
  // Block x: keys [x block_m, (x + 1) block_m) of kv head y, batch z; the
  // stream: the folded query rows that see any of them, block_n at a time.
  computeThreadIds();
  Value keyBlock = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  block.head = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  block.batch = gpu::BlockIdOp::create(b, gpu::Dimension::z);
  block.rowBase = mul(b, keyBlock, cIndex(b, blockM));
  block.numRows = args.keys;
  numQueryRows = mul(b, args.queries, cIndex(b, spec.groupSize));
  Value streamBegin = firstRowSeeing(block.rowBase);
  sequence.rows = blockN;
  sequence.isQueryRows = true;
  sequence.globalKeys = args.q;
  sequence.globalValues = grad->dOut;
  sequence.spanBegin = {streamBegin};
  sequence.spanEnd = {numQueryRows};
  sequence.mySpanBegin = streamBegin;
  sequence.mySpanEnd = numQueryRows;
  sequence.myUnit = cIndex(b, 0);
  Value rows = sub(b, numQueryRows, streamBegin);
  sequence.numTiles = ceilDiv(b, rows, cIndex(b, blockN));
  numSteps = sequence.numTiles;
  // Tiles starting before the block's last key's first row are diagonal;
  // the last partial tile is masked too.
  Value lastKey = arith::MinUIOp::create(
      b, add(b, block.rowBase, cIndex(b, blockM - 1)),
      sub(b, args.keys, cIndex(b, 1)));
  Value diagonalRows = sub(b, arith::MaxUIOp::create(b, firstRowSeeing(lastKey),
                                                      streamBegin),
                           streamBegin);
  numDiagonalSteps = arith::MinUIOp::create(
      b, ceilDiv(b, diagonalRows, cIndex(b, blockN)), numSteps);
  numFullSteps = arith::MaxUIOp::create(
      b, div(b, rows, cIndex(b, blockN)), numDiagonalSteps);
  for (int64_t r = 0; r < laneRows; ++r) {
    Value key = add(b, block.rowBase, laneRow(r));
    Value valid = lessThan(b, key, args.keys);
    rowValid.push_back(valid);
    rowPosition.push_back(key);
    rowFirstQuery.push_back(
        select(b, valid, firstRowSeeing(key), numQueryRows));
    rowKeyEnd.push_back(numQueryRows);
  }
  // A warpgroup's masked tile is skipped when it ends before the first row
  // that sees the warpgroup's first key.
  Value warpgroupFirstKey = add(b, block.rowBase, warpgroupFirstRow);
  sequenceKeyEnd = firstRowSeeing(warpgroupFirstKey);
}

void MmaBlockBuilder::computeIds() {
  if (keyGrad)
    return computeKeyBlock();
  computeThreadIds();
  // Causal: the last query blocks see the most keys; they are scheduled
  // first (block x computes block gridDim.x - 1 - x) so that the last wave
  // holds the shortest blocks rather than the longest.
  Value queryBlock = gpu::BlockIdOp::create(b, gpu::Dimension::x);
  if (spec.causal)
    queryBlock = sub(b, sub(b, gpu::GridDimOp::create(b, gpu::Dimension::x),
                            cIndex(b, 1)),
                     queryBlock);
  block = QueryBlockGeometry::compute(
      b, spec, args, queryBlock,
      gpu::BlockIdOp::create(b, gpu::Dimension::y),
      gpu::BlockIdOp::create(b, gpu::Dimension::z),
      spec.config.getBlockDepth());

  Value zero = cIndex(b, 0);
  if (spec.hasSequence) {
    sequence.numTiles = block.numSequenceTiles;
    sequence.rows = blockN;
    sequence.globalKeys = args.k;
    sequence.globalValues = args.v;
    sequence.spanBegin = {zero};
    sequence.spanEnd = {args.keys};
    sequence.mySpanBegin = zero;
    sequence.mySpanEnd = args.keys;
    sequence.myUnit = zero;
  }
  if (spec.hasDepth) {
    depth.isDepth = true;
    depth.rows = spec.config.getBlockDepth();
    depth.globalKeys = args.depthK;
    depth.globalValues = args.depthV;
    computeDepthSpans();
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
  Value lastRow = sub(b, block.numRows, cIndex(b, 1));
  auto positionOf = [&](Value rowInBlock) {
    return div(
        b, arith::MinUIOp::create(b, add(b, block.rowBase, rowInBlock), lastRow),
        group);
  };
  int64_t warpRows = kMmaRows * mTiles;
  Value warpFirstPosition = positionOf(warpFirstRow);
  Value warpLastPosition =
      positionOf(add(b, warpFirstRow, cIndex(b, warpRows - 1)));
  if (spec.hasSequence) {
    Value lastPosition = warpLastPosition;
    if (warpgroupMma)
      lastPosition = positionOf(
          add(b, warpgroupFirstRow, cIndex(b, kWarpgroupRows - 1)));
    sequenceKeyEnd = block.rowKeyEnd(b, spec, args, lastPosition);
  }
  if (spec.hasDepth && warpgroupMma) {
    depthSeenBegin = depth.mySpanBegin;
    depthSeenEnd = depth.mySpanEnd;
  } else if (spec.hasDepth) {
    depthSeenBegin =
        block.depthWindow(b, spec, args, warpFirstPosition).first;
    depthSeenEnd = block.depthWindow(b, spec, args, warpLastPosition).second;
  }
}

void MmaBlockBuilder::computeDepthSpans() {
  // With mma.sync one block-wide span: the warps compute the tiles their
  // rows see. With wgmma one span per warpgroup: the entries of its 64 rows'
  // positions, walked by its own tiles, so that every step gives every
  // warpgroup a depth tile of its own (none waits on another's) and each
  // entry is still loaded once per block.
  if (!warpgroupMma) {
    depth.spanBegin = {block.depthSpanBegin};
    depth.spanEnd = {block.depthSpanEnd};
    depth.mySpanBegin = block.depthSpanBegin;
    depth.mySpanEnd = block.depthSpanEnd;
    depth.myUnit = cIndex(b, 0);
    depth.numTiles = block.numDepthTiles;
    return;
  }
  Value group = cIndex(b, spec.groupSize);
  Value lastRow = sub(b, block.numRows, cIndex(b, 1));
  // The span of the warpgroup whose first row in the block is `firstRow`:
  // from its first position's window to its last position's end; empty when
  // all its rows lie past the end.
  auto span = [&](Value firstRow) -> std::pair<Value, Value> {
    Value row = add(b, block.rowBase, firstRow);
    Value first = div(b, arith::MinUIOp::create(b, row, lastRow), group);
    Value last = div(
        b,
        arith::MinUIOp::create(
            b, add(b, row, cIndex(b, kWarpgroupRows - 1)), lastRow),
        group);
    Value begin = block.depthWindow(b, spec, args, first).first;
    Value end = block.depthWindow(b, spec, args, last).second;
    return {begin, select(b, lessThan(b, row, block.numRows), end, begin)};
  };
  depth.units = spec.config.getNumWarps() / kWarpgroupWarps;
  Value longest = cIndex(b, 0);
  for (int64_t u = 0; u < depth.units; ++u) {
    auto [begin, end] = span(cIndex(b, u * kWarpgroupRows));
    depth.spanBegin.push_back(begin);
    depth.spanEnd.push_back(end);
    longest = arith::MaxUIOp::create(b, longest, sub(b, end, begin));
  }
  depth.numTiles = ceilDiv(b, longest, cIndex(b, depth.rows));
  depth.myUnit = warpgroup;
  std::tie(depth.mySpanBegin, depth.mySpanEnd) = span(warpgroupFirstRow);
}

std::pair<Value, Value>
MmaBlockBuilder::tileCoordinates(Value bufferFirstRow, int64_t panelRows,
                                 Value row, Value column) {
  // Element (row, column) of a buffer of panelRows rows lies in panel
  // column / 64, 128-byte row `row` of it, with the 16-byte chunk index
  // XORed with the row's low three bits: the 128-byte swizzle of wgmma
  // operands, and conflict-free for ldmatrix (eight rows, eight chunks).
  // Columns are multiples of the chunk here.
  Value panelColumns = cIndex(b, kPanelColumns);
  Value tileRow = add(b, bufferFirstRow,
                      add(b, mul(b, div(b, column, panelColumns),
                                 cIndex(b, panelRows)),
                          row));
  Value chunk = div(b, rem(b, column, panelColumns), cIndex(b, kChunk));
  Value swizzled = arith::XOrIOp::create(b, chunk, rem(b, row, cIndex(b, 8)));
  return {tileRow, mul(b, swizzled, cIndex(b, kChunk))};
}

void MmaBlockBuilder::copyRowsAsync(
    Value global, Value tile, Value bufferFirstRow, int64_t panelRows,
    int64_t numRows,
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
      auto [tileRow, tileColumn] =
          tileCoordinates(bufferFirstRow, panelRows, row, column);
      nvgpu::DeviceAsyncCopyOp::create(
          b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tile,
          ValueRange{tileRow, tileColumn}, global,
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

void MmaBlockBuilder::copyRowStatisticsAsync(Value step, Value firstRow,
                                             Value endRow) {
  // Statistic i < block_n is the lse of row firstRow + i, statistic
  // block_n + i its Delta: 4 bytes each, one per thread at a time; a row
  // past the end reads nothing.
  Value stageFirst = rowStatisticsStageFirst(step);
  for (int64_t first = 0; first < 2 * blockN; first += numThreads) {
    Value index = add(b, threadId, cIndex(b, first));
    auto copies = scf::IfOp::create(b, lessThan(b, index, cIndex(b, 2 * blockN)),
                                    /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(copies.thenBlock());
    Value row = add(b, firstRow, rem(b, index, cIndex(b, blockN)));
    Value valid = lessThan(b, row, endRow);
    Value source = block.foldedLseOffset(b, spec, args,
                                         select(b, valid, row, firstRow));
    auto copy = [&](Value global) {
      nvgpu::DeviceAsyncCopyOp::create(
          b, nvgpu::DeviceAsyncTokenType::get(b.getContext()), rowStatistics,
          ValueRange{add(b, stageFirst, index)}, global, ValueRange{source},
          b.getIndexAttr(1), select(b, valid, cIndex(b, 1), cIndex(b, 0)),
          UnitAttr());
    };
    auto which = scf::IfOp::create(
        b, lessThan(b, index, cIndex(b, blockN)), /*withElseRegion=*/true);
    b.setInsertionPointToStart(which.thenBlock());
    copy(args.lse);
    b.setInsertionPointToStart(which.elseBlock());
    copy(grad->delta);
  }
}

void MmaBlockBuilder::allocateSharedTiles() {
  // [query | sequence keys | sequence values | depth keys | depth values],
  // each a ((panels x rows) x 64) view of the dynamic shared memory; every
  // size is a multiple of 1024 bytes (rows are multiples of 16), so every
  // view keeps the base's alignment. wgmma's swizzle is a function of the
  // shared address: with it the base is first rounded up to 1024 bytes.
  auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                              gpu::AddressSpace::Workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(
      b, MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                         MemRefLayoutAttrInterface(), workgroup));
  Value alignedOffset = cIndex(b, 0);
  Value alignedAddress;
  int64_t slack = 0;
  if (warpgroupMma) {
    slack = kWarpgroupTileAlignment;
    Value address = memref::ExtractAlignedPointerAsIndexOp::create(b, base);
    alignedOffset = arith::AndIOp::create(
        b, sub(b, cIndex(b, 0), address), cIndex(b, slack - 1));
    alignedAddress = arith::IndexCastOp::create(
        b, b.getI64Type(), add(b, address, alignedOffset));
  }
  int64_t offset = 0;
  // `rows` rows of `columns` (a multiple of 64) elements.
  auto view = [&](int64_t rows, Value *address,
                  int64_t columns) {
    auto type = MemRefType::get({columns / kPanelColumns * rows, kPanelColumns},
                                spec.elementType, MemRefLayoutAttrInterface(),
                                workgroup);
    Value tile = memref::ViewOp::create(
        b, type, base, add(b, alignedOffset, cIndex(b, offset)), ValueRange{});
    if (address)
      *address = arith::AddIOp::create(
          b, alignedAddress,
          arith::ConstantIntOp::create(b, b.getI64Type(), offset));
    offset += rows * columns * spec.elementType.getIntOrFloatBitWidth() / 8;
    return tile;
  };
  queryTile = view(blockM, (keyGrad || depthGrads) ? &queryTileAddress : nullptr,
                   headDim);
  if (grad)
    dOutTile = view(blockM, warpgroupMma ? &dOutTileAddress : nullptr, headDim);
  for (TileStream *stream : {&sequence, &depth})
    if (*stream) {
      bool addresses = onWarpgroup(*stream);
      stream->keys = view(numStages * stream->stageRows(),
                          addresses ? &stream->keysAddress : nullptr, headDim);
      stream->values =
          view(numStages * stream->stageRows(),
               addresses ? &stream->valuesAddress : nullptr, headDim);
    }
  if (depthGrads)
    depthGradTile = view(2 * blockM, &depthGradTileAddress, depth.rows);
  if (keyGrad) {
    int64_t count = 2 * numStages * blockN;
    rowStatistics = memref::ViewOp::create(
        b,
        MemRefType::get({count}, f32, MemRefLayoutAttrInterface(), workgroup),
        base, add(b, alignedOffset, cIndex(b, offset)), ValueRange{});
    offset += count * 4;
  }
  assert(offset + slack ==
             (keyGrad ? getTensorCoreDkvSharedMemoryBytes(spec)
              : grad  ? getTensorCoreDqSharedMemoryBytes(spec)
                      : spec.getDynamicSharedMemoryBytes()) &&
         "the kernel's shared memory differs from its spec");
}

Value MmaBlockBuilder::bufferFirstRow(const TileStream &stream, Value step) {
  // Step j's tiles sit in buffer j mod num_stages of their stream.
  return mul(b, rem(b, step, cIndex(b, numStages)),
             cIndex(b, panels * stream.stageRows()));
}

Value MmaBlockBuilder::firstEntry(const TileStream &stream, Value step) {
  return add(b, stream.mySpanBegin, mul(b, step, cIndex(b, stream.rows)));
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
    Value bufferRow = bufferFirstRow(*stream, step);
    for (int64_t u = 0; u < stream->units; ++u) {
      Value first = add(b, stream->spanBegin[u],
                        mul(b, step, cIndex(b, stream->rows)));
      Value end = stream->spanEnd[u];
      auto source = [&](Value row) -> std::pair<Value, Value> {
        Value entry = add(b, first, row);
        Value valid = lessThan(b, entry, end);
        Value safe = select(b, valid, entry, first);
        if (stream->isQueryRows)
          return {block.foldedRowOffset(b, spec, args, safe), valid};
        return {stream->isDepth ? block.depthRowOffset(b, spec, args, safe)
                                : block.sequenceRowOffset(b, spec, args, safe),
                valid};
      };
      Value unitRow = add(b, bufferRow, cIndex(b, u * stream->rows));
      copyRowsAsync(stream->globalKeys, stream->keys, unitRow,
                    stream->stageRows(), stream->rows, source);
      copyRowsAsync(stream->globalValues, stream->values, unitRow,
                    stream->stageRows(), stream->rows, source);
      if (stream->isQueryRows)
        copyRowStatisticsAsync(step, first, end);
    }
  }
  NVVM::CpAsyncCommitGroupOp::create(b);
}

SmallVector<Value, 4>
MmaBlockBuilder::loadMatrixX4(Value tile, Value bufferFirstRow,
                              int64_t panelRows, Value row, Value column,
                              bool transpose) {
  auto [tileRow, tileColumn] =
      tileCoordinates(bufferFirstRow, panelRows, row, column);
  return buildLoadMatrixX4(b, b.getLoc(), spec.elementType, tile,
                           ValueRange{tileRow, tileColumn}, transpose);
}

SmallVector<Value, 4> MmaBlockBuilder::mma(ArrayRef<Value> a,
                                           ArrayRef<Value> bOperand,
                                           ArrayRef<Value> c) {
  return buildWarpMma(b, b.getLoc(), spec.elementType, a, bOperand, c);
}

Value MmaBlockBuilder::packPair(Value lo, Value hi) {
  return buildPackedPair(b, b.getLoc(), spec.elementType, lo, hi);
}

Value MmaBlockBuilder::exp2(Value x) {
  return buildFlushToZeroExp2(b, b.getLoc(), x);
}

Value MmaBlockBuilder::quadReduce(Value v, bool isMax) {
  return buildQuadReduce(b, b.getLoc(), v, isMax);
}

SmallVector<SmallVector<Value>>
MmaBlockBuilder::loadQueryFragments(Value tile) {
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
          tile, cIndex(b, 0), blockM, row,
          add(b, columnInStep, cIndex(b, k)), /*transpose=*/false);
      fragments[m].append(regs.begin(), regs.end());
    }
  }
  return fragments;
}

void MmaBlockBuilder::warpScores(
    const TileStream &stream, Value step,
    SmallVector<SmallVector<SmallVector<Value, 4>>> &scores) {
  // S = Q K^T. K (rows = keys) as the column-major B operand: ldmatrix x4
  // gives (keys 0-7, dims 0-7), (keys 0-7, dims 8-15), (keys 8-15, dims
  // 0-7), (keys 8-15, dims 8-15): the B registers of two n-tiles, used by
  // every m-tile of the warp.
  Value bufferRow = bufferFirstRow(stream, step);
  Value keyRowInPair = add(
      b, rem(b, lane, cIndex(b, 8)),
      mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8)));
  Value keyColumnInStep =
      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)), cIndex(b, 8));
  for (int64_t k = 0; k < headDim / 16; ++k) {
    for (int64_t pair = 0; pair < stream.rows / 16; ++pair) {
      SmallVector<Value, 4> kRegs = loadMatrixX4(
          stream.keys, bufferRow, stream.stageRows(),
          add(b, keyRowInPair, cIndex(b, 16 * pair)),
          add(b, keyColumnInStep, cIndex(b, 16 * k)), /*transpose=*/false);
      for (int64_t m = 0; m < mTiles; ++m) {
        ArrayRef<Value> a = ArrayRef<Value>(queryFragments[m]).slice(4 * k, 4);
        for (int64_t t = 0; t < 2; ++t)
          scores[m][2 * pair + t] = mma(a, {kRegs[2 * t], kRegs[2 * t + 1]},
                                        scores[m][2 * pair + t]);
      }
    }
  }
}

void MmaBlockBuilder::warpAccumulate(const TileStream &stream, Value step,
                                     ArrayRef<Value> probabilities,
                                     SmallVector<Value> &acc) {
  // V (rows = keys) is the row-major B operand, read transposed: (keys 0-7,
  // dims 0-7), (keys 8-15, dims 0-7), (keys 0-7, dims 8-15), (keys 8-15,
  // dims 8-15).
  Value bufferRow = bufferFirstRow(stream, step);
  int64_t nTiles = stream.rows / 8;
  int64_t headTiles = headDim / 8;
  Value valueRowInStep = add(
      b, rem(b, lane, cIndex(b, 8)),
      mul(b, rem(b, div(b, lane, cIndex(b, 8)), cIndex(b, 2)), cIndex(b, 8)));
  Value valueColumnInPair = mul(b, div(b, lane, cIndex(b, 16)), cIndex(b, 8));
  for (int64_t k = 0; k < stream.rows / 16; ++k) {
    Value row = add(b, valueRowInStep, cIndex(b, 16 * k));
    for (int64_t pair = 0; pair < headDim / 16; ++pair) {
      SmallVector<Value, 4> vRegs = loadMatrixX4(
          stream.values, bufferRow, stream.stageRows(), row,
          add(b, valueColumnInPair, cIndex(b, 16 * pair)),
          /*transpose=*/true);
      for (int64_t m = 0; m < mTiles; ++m) {
        ArrayRef<Value> a =
            probabilities.slice(2 * (m * nTiles + 2 * k), 4);
        for (int64_t t = 0; t < 2; ++t) {
          auto c = acc.begin() + 4 * (m * headTiles + 2 * pair + t);
          SmallVector<Value, 4> d =
              mma(a, {vRegs[2 * t], vRegs[2 * t + 1]},
                  SmallVector<Value, 4>(c, c + 4));
          std::copy(d.begin(), d.end(), c);
        }
      }
    }
  }
}

Value MmaBlockBuilder::bufferAddress(Value streamAddress,
                                     const TileStream &stream, Value step) {
  // The unit's tile within the stage (one tile unless depth with wgmma).
  Value rowBytes = cIndex(b, kSwizzleRowBytes);
  Value row = add(b, bufferFirstRow(stream, step),
                  mul(b, stream.myUnit, cIndex(b, stream.rows)));
  Value offset = mul(b, row, rowBytes);
  return arith::AddIOp::create(
      b, streamAddress,
      arith::IndexCastOp::create(b, b.getI64Type(), offset));
}

/// Adds `bytes` to a descriptor's start address (bits 0-13, in 16 bytes;
/// no carry: shared addresses stay below 2^18).
static Value advanceDescriptor(ImplicitLocOpBuilder &b, Value descriptor,
                               int64_t bytes) {
  if (bytes == 0)
    return descriptor;
  return arith::AddIOp::create(
      b, descriptor,
      arith::ConstantIntOp::create(b, b.getI64Type(), bytes >> 4));
}

void MmaBlockBuilder::warpgroupScores(
    const TileStream &stream, Value step,
    ArrayRef<AOperand> a, ArrayRef<Value> bufferAddresses,
    ArrayRef<Scores *> outputs) {
  // S = Q K^T for the warpgroup's 64 rows (and, in the dq kernel, dP =
  // dO V^T in the same group), one m64 x block_n x 16 MMA per 16 columns of
  // D: A from the warp's registers (the fragments mma.sync uses), B K-major
  // from shared memory; k-step k reads columns 16k.. of panel 16k / 64, 32
  // bytes into each 128-byte row.
  NVVM::WgmmaFenceAlignedOp::create(b);
  SmallVector<SmallVector<Value>> results;
  for (auto [aOperand, address, scores] :
       llvm::zip_equal(a, bufferAddresses, outputs)) {
    Value descriptor = buildSwizzledMatrixDescriptor(
        b, bufferAddress(address, stream, step),
        /*leadingByteOffset=*/16, /*strideByteOffset=*/kSwizzleAtomBytes);
    Value aDescriptor;
    if (!aOperand.fragments) {
      Value warpgroupRow =
          mul(b, warpgroupFirstRow, cIndex(b, kSwizzleRowBytes));
      aDescriptor = buildSwizzledMatrixDescriptor(
          b,
          arith::AddIOp::create(
              b, aOperand.tileAddress,
              arith::IndexCastOp::create(b, b.getI64Type(), warpgroupRow)),
          /*leadingByteOffset=*/16, /*strideByteOffset=*/kSwizzleAtomBytes);
    }
    // The first k-step overwrites the accumulators (scale-d = 0): they
    // enter undefined. Zeros would be moves into registers of a wgmma
    // pipeline still running (the previous step's P V), which makes ptxas
    // serialize every wgmma of the kernel.
    SmallVector<Value> acc(4 * (*scores)[0].size(), undefinedF32());
    for (int64_t k = 0; k < headDim / 16; ++k) {
      int64_t column = 16 * k;
      int64_t bytes =
          (column / kPanelColumns) * stream.stageRows() * kSwizzleRowBytes +
          (column % kPanelColumns) * 2;
      SmallVector<Value> aValues;
      if (aOperand.fragments)
        aValues = buildOperandWords(
            b, ArrayRef<Value>((*aOperand.fragments)[0]).slice(4 * k, 4));
      else
        aValues = {advanceDescriptor(
            b, aDescriptor,
            (column / kPanelColumns) * blockM * kSwizzleRowBytes +
                (column % kPanelColumns) * 2)};
      acc = buildWarpgroupMma(b, spec.elementType, aValues,
                              advanceDescriptor(b, descriptor, bytes), acc,
                              /*transposeB=*/false, /*accumulate=*/k > 0);
    }
    results.push_back(acc);
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
  NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
  for (auto [acc, scores] : llvm::zip_equal(results, outputs))
    for (int64_t n = 0, e = (*scores)[0].size(); n < e; ++n)
      for (int64_t i = 0; i < 4; ++i)
        (*scores)[0][n][i] = acc[4 * n + i];
}

void MmaBlockBuilder::warpgroupAccumulate(const TileStream &stream, Value step,
                                          ArrayRef<Value> probabilities,
                                          Value address,
                                          SmallVector<Value> &acc) {
  // O += P V (dQ += dS K), one m64 x D x 16 MMA per 16 keys: P from
  // registers, V N-major from shared memory (transposed by the
  // instruction); keys 16k.. start 16k rows into the buffer, panels of 64
  // columns of D lie one tile apart.
  Value descriptor = buildSwizzledMatrixDescriptor(
      b, bufferAddress(address, stream, step),
      /*leadingByteOffset=*/stream.stageRows() * kSwizzleRowBytes,
      /*strideByteOffset=*/kSwizzleAtomBytes);
  NVVM::WgmmaFenceAlignedOp::create(b);
  for (int64_t k = 0; k < stream.rows / 16; ++k)
    acc = buildWarpgroupMma(
        b, spec.elementType, buildOperandWords(b, probabilities.slice(4 * k, 4)),
        advanceDescriptor(b, descriptor, 16 * k * kSwizzleRowBytes), acc,
        /*transposeB=*/true, /*accumulate=*/true);
  // Not waited for here: the group runs on while the warpgroup goes on to
  // the next step's barrier and copies; the next wait (after the next
  // S = Q K^T, or before the epilogue) covers it, ahead of any use of O.
  NVVM::WgmmaGroupSyncAlignedOp::create(b);
}

void MmaBlockBuilder::keyGradTile(const TileStream &stream, Value step,
                                  Scores &scores, Scores &dScores,
                                  SmallVector<Value> &acc) {
  // scores = S^T (keys x query rows), masked to -inf; dScores = dP^T. Per
  // column (a folded query row): the forward's lse (log2 units; 0 for a row
  // that saw nothing, whose scores are all masked) and Delta.
  int64_t nTiles = stream.rows / 8;
  Value scaleLog2 = cF32(b, spec.scale * M_LOG2E);
  Value log2e = cF32(b, M_LOG2E);
  Value negInf = cF32(b, -INFINITY);
  // The step's statistics: lse at [stage][column], Delta block_n later.
  Value laneColumn = add(b, rowStatisticsStageFirst(step),
                         mul(b, laneInGroup, cIndex(b, 2)));
  // Column by column (short live ranges: the accumulators fill the
  // register file).
  SmallVector<Value> probabilities, dS;
  for (int64_t n = 0; n < nTiles; ++n) {
    Value negBase[2], delta[2];
    for (int64_t e = 0; e < 2; ++e) {
      Value column = add(b, laneColumn, cIndex(b, 8 * n + e));
      Value lse = memref::LoadOp::create(b, rowStatistics, ValueRange{column});
      Value sawNothing =
          arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, lse, negInf);
      negBase[e] = select(b, sawNothing, cF32(b, 0.0),
                          arith::NegFOp::create(
                              b, arith::MulFOp::create(b, lse, log2e)));
      delta[e] = memref::LoadOp::create(
          b, rowStatistics, ValueRange{add(b, column, cIndex(b, blockN))});
    }
    for (int64_t e = 0; e < 4; ++e) {
      Value p = exp2(
          math::FmaOp::create(b, scores[0][n][e], scaleLog2, negBase[e % 2]));
      scores[0][n][e] = p;
      dScores[0][n][e] = arith::MulFOp::create(
          b, p, arith::SubFOp::create(b, dScores[0][n][e], delta[e % 2]));
    }
    for (int64_t e = 0; e < 4; e += 2) {
      probabilities.push_back(packPair(scores[0][n][e], scores[0][n][e + 1]));
      dS.push_back(packPair(dScores[0][n][e], dScores[0][n][e + 1]));
    }
  }
  // acc = [dK | dV]: dV += P^T dO, dK += dS^T Q (B transposed by the
  // instruction), both left running.
  int64_t half = acc.size() / 2;
  SmallVector<Value> dK(acc.begin(), acc.begin() + half),
      dV(acc.begin() + half, acc.end());
  warpgroupAccumulate(stream, step, probabilities, stream.valuesAddress, dV);
  warpgroupAccumulate(stream, step, dS, stream.keysAddress, dK);
  std::copy(dK.begin(), dK.end(), acc.begin());
  std::copy(dV.begin(), dV.end(), acc.begin() + half);
}

void MmaBlockBuilder::storePairsToRegion(ArrayRef<Value> pairs,
                                         Value regionFirstRow) {
  // The lane's pairs (rows laneGroup and laneGroup + 8 of its warp's 16 in
  // the warpgroup's 64, columns 2 (lane % 4) + {0, 1} of every 8): into a
  // region of 64-row swizzled panels, conflict-free (the eight rows of a
  // store hit eight different chunks).
  Value rowInGroup = add(
      b, mul(b, rem(b, warp, cIndex(b, kWarpgroupWarps)), cIndex(b, kMmaRows)),
      laneGroup);
  for (int64_t n = 0, e = pairs.size() / 2; n < e; ++n)
    for (int64_t half = 0; half < 2; ++half) {
      auto [tileRow, tileColumn] = tileCoordinates(
          regionFirstRow, kWarpgroupRows,
          add(b, rowInGroup, cIndex(b, 8 * half)), cIndex(b, 8 * n));
      Value column = add(b, tileColumn, mul(b, laneInGroup, cIndex(b, 2)));
      vector::StoreOp::create(b, pairs[2 * n + half], depthGradTile,
                              ValueRange{tileRow, column});
    }
}

void MmaBlockBuilder::warpgroupBarrier() {
  // Named barrier 1 + the warpgroup: the other warpgroups go on.
  Value barrierId =
      arith::IndexCastOp::create(b, i32, add(b, warpgroup, cIndex(b, 1)));
  NVVM::BarrierOp::create(
      b, TypeRange{}, barrierId,
      arith::ConstantIntOp::create(b, i32, kWarpgroupThreads),
      /*reductionOp=*/nullptr, /*reductionPredicate=*/Value());
}

Value MmaBlockBuilder::depthGradRegionRow(int64_t which, int64_t panel,
                                          int64_t entryPanels) {
  // [P | dS][warpgroup][panel of 64 entries][64 rows].
  int64_t units = blockM / kWarpgroupRows;
  return mul(b,
             add(b, mul(b, add(b, cIndex(b, which * units), warpgroup),
                        cIndex(b, entryPanels)),
                 cIndex(b, panel)),
             cIndex(b, kWarpgroupRows));
}

void MmaBlockBuilder::stageDepthGradOperands(const TileStream &stream,
                                             ArrayRef<Value> probabilities,
                                             ArrayRef<Value> dS) {
  // P and dS of the warpgroup's rows: rows = query rows (the products'
  // contraction), entries in 64-column panels.
  int64_t entryPanels = stream.rows / kPanelColumns;
  int64_t pairsPerPanel = 2 * kPanelColumns / 8;
  for (auto [which, pairs] : llvm::enumerate(
           SmallVector<ArrayRef<Value>>{probabilities, dS}))
    for (int64_t panel = 0; panel < entryPanels; ++panel)
      storePairsToRegion(pairs.slice(panel * pairsPerPanel, pairsPerPanel),
                         depthGradRegionRow(which, panel, entryPanels));
  // The tensor cores read the tiles through the async proxy, after every
  // warp of the warpgroup has written its rows.
  fenceForWarpgroupMma();
  warpgroupBarrier();
}

void MmaBlockBuilder::accumulateDepthGrads(const TileStream &stream,
                                           Value step) {
  // Per 64 entries of the tile: d_depth_v = P^T dO and d_depth_k = dS^T Q
  // over the warpgroup's 64 rows, m64 x D x 16 MMAs with A (P^T, dS^T: the
  // staged tiles, M-major) and B (dO, Q rows: N-major) from shared memory.
  // Every row that sees the tile's entries is one of these
  // (fusesDepthGradsIntoDq): the sums are the gradients, stored at once.
  int64_t entryPanels = stream.rows / kPanelColumns;
  Type i64 = b.getI64Type();
  auto byteAddress = [&](Value base, Value row) {
    return arith::AddIOp::create(
        b, base,
        arith::IndexCastOp::create(
            b, i64, mul(b, row, cIndex(b, kSwizzleRowBytes))));
  };
  Value dOutDescriptor = buildSwizzledMatrixDescriptor(
      b, byteAddress(dOutTileAddress, warpgroupFirstRow),
      /*leadingByteOffset=*/blockM * kSwizzleRowBytes,
      /*strideByteOffset=*/kSwizzleAtomBytes);
  Value queryDescriptor = buildSwizzledMatrixDescriptor(
      b, byteAddress(queryTileAddress, warpgroupFirstRow),
      /*leadingByteOffset=*/blockM * kSwizzleRowBytes,
      /*strideByteOffset=*/kSwizzleAtomBytes);
  Value threadInGroup = rem(b, threadId, cIndex(b, kWarpgroupThreads));
  int64_t chunksPerRow = headDim / kChunk;
  for (int64_t panel = 0; panel < entryPanels; ++panel) {
    Value panelFirstEntry = add(b, firstEntry(stream, step),
                                cIndex(b, panel * kPanelColumns));
    // One product at a time (the dq kernel's own accumulators and
    // fragments stay live around it).
    for (auto [which, target, factor, rowOperand] :
         {std::make_tuple(0, grad->dDepthV, 1.0, dOutDescriptor),
          std::make_tuple(1, grad->dDepthK, spec.scale, queryDescriptor)}) {
      Value region = depthGradRegionRow(which, panel, entryPanels);
      Value aDescriptor = buildSwizzledMatrixDescriptor(
          b, byteAddress(depthGradTileAddress, region),
          /*leadingByteOffset=*/kWarpgroupRows * kSwizzleRowBytes,
          /*strideByteOffset=*/kSwizzleAtomBytes);
      SmallVector<Value> acc(headDim / 2, undefinedF32());
      NVVM::WgmmaFenceAlignedOp::create(b);
      for (int64_t k = 0; k < kWarpgroupRows / 16; ++k) {
        int64_t bytes = 16 * k * kSwizzleRowBytes;
        acc = buildWarpgroupMma(b, spec.elementType,
                                {advanceDescriptor(b, aDescriptor, bytes)},
                                advanceDescriptor(b, rowOperand, bytes), acc,
                                /*transposeB=*/true, /*accumulate=*/k > 0,
                                /*transposeA=*/true);
      }
      NVVM::WgmmaGroupSyncAlignedOp::create(b);
      NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
      // The result (rows = entries) replaces its A operand's panel in shared
      // memory (D <= 64: fusesDepthGradsIntoDq), so that it leaves in
      // 16-byte pieces, eight threads per 128-byte row, rather than as
      // 4-byte pairs scattered over eight rows per warp store.
      Value scale = cF32(b, factor);
      SmallVector<Value> pairs;
      for (int64_t i = 0, e = acc.size(); i < e; i += 2)
        pairs.push_back(packPair(arith::MulFOp::create(b, acc[i], scale),
                                 arith::MulFOp::create(b, acc[i + 1], scale)));
      warpgroupBarrier();
      storePairsToRegion(pairs, region);
      warpgroupBarrier();
      auto vectorType = VectorType::get({kChunk}, spec.elementType);
      for (int64_t first = 0; first < kWarpgroupRows * chunksPerRow;
           first += kWarpgroupThreads) {
        Value chunk = add(b, threadInGroup, cIndex(b, first));
        Value row = div(b, chunk, cIndex(b, chunksPerRow));
        Value column =
            mul(b, rem(b, chunk, cIndex(b, chunksPerRow)), cIndex(b, kChunk));
        auto [tileRow, tileColumn] =
            tileCoordinates(region, kWarpgroupRows, row, column);
        Value piece = vector::LoadOp::create(b, vectorType, depthGradTile,
                                             ValueRange{tileRow, tileColumn});
        // Entries past the warpgroup's span belong to no row of it.
        Value entry = add(b, panelFirstEntry, row);
        auto store =
            scf::IfOp::create(b, lessThan(b, entry, stream.mySpanEnd),
                              /*withElseRegion=*/false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(store.thenBlock());
        vector::StoreOp::create(
            b, piece, target,
            ValueRange{add(b, block.depthRowOffset(b, spec, args, entry),
                           column)});
      }
    }
  }
}

WarpState MmaBlockBuilder::attendTile(const WarpState &state,
                                      const TileStream &stream, Value step,
                                      bool masked) {
  int64_t nTiles = stream.rows / 8;
  int64_t headTiles = headDim / 8;
  Value zeroF = cF32(b, 0.0);
  // scores[m][n] = the four accumulator registers of m-tile m, n-tile n.
  SmallVector<SmallVector<SmallVector<Value, 4>>> scores(
      mTiles, SmallVector<SmallVector<Value, 4>>(
                  nTiles, SmallVector<Value, 4>(4, zeroF)));
  Scores dScores;
  if (grad) {
    // S and dP = dO V^T in one group.
    dScores = scores;
    // (The dkv kernel reads its A operands, K and V, from shared memory: its
    // two accumulators leave no registers for their fragments.)
    AOperand first{&queryFragments, Value()}, second{&dOutFragments, Value()};
    if (keyGrad) {
      first = {nullptr, queryTileAddress};
      second = {nullptr, dOutTileAddress};
    }
    warpgroupScores(stream, step, {first, second},
                    {stream.keysAddress, stream.valuesAddress},
                    {&scores, &dScores});
  } else if (onWarpgroup(stream)) {
    warpgroupScores(stream, step, {AOperand{&queryFragments, Value()}},
                    {stream.keysAddress}, {&scores});
  } else {
    warpScores(stream, step, scores);
  }

  Value negInf = cF32(b, -INFINITY);
  if (masked) {
    // Column c of the tile is visible to a row iff lo <= first + c < hi:
    // [0, key end) of sequence keys, the row's depth window of entries.
    Value laneColumn = add(b, firstEntry(stream, step),
                           mul(b, laneInGroup, cIndex(b, 2)));
    for (int64_t r = 0; r < laneRows; ++r) {
      Value lo = stream.isDepth ? rowWindowBegin[r]
                 : keyGrad      ? rowFirstQuery[r]
                                : cIndex(b, 0);
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

  Value scaleLog2 = cF32(b, spec.scale * M_LOG2E);
  WarpState next = state;
  if (keyGrad) {
    keyGradTile(stream, step, scores, dScores, next.acc);
    return next;
  }
  if (grad) {
    // p = exp2(s c - lse log2(e)): the forward's probabilities (0 where
    // masked); dS = p (dP - Delta); dQ += dS K.
    bool withDepthGrads = depthGrads && stream.isDepth;
    for (int64_t r = 0; r < laneRows; ++r) {
      int64_t half = r % 2;
      Value negBase = arith::NegFOp::create(b, rowLogSumExp2[r]);
      for (int64_t n = 0; n < nTiles; ++n)
        for (int64_t e = 2 * half; e < 2 * half + 2; ++e) {
          Value p = exp2(math::FmaOp::create(b, scores[0][n][e], scaleLog2,
                                             negBase));
          scores[0][n][e] = p;
          dScores[0][n][e] = arith::MulFOp::create(
              b, p, arith::SubFOp::create(b, dScores[0][n][e], rowDelta[r]));
        }
    }
    SmallVector<Value> probabilities, dS;
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 0; e < 4; e += 2) {
        if (withDepthGrads)
          probabilities.push_back(
              packPair(scores[0][n][e], scores[0][n][e + 1]));
        dS.push_back(packPair(dScores[0][n][e], dScores[0][n][e + 1]));
      }
    if (withDepthGrads)
      stageDepthGradOperands(stream, probabilities, dS);
    warpgroupAccumulate(stream, step, dS, stream.keysAddress, next.acc);
    if (withDepthGrads)
      accumulateDepthGrads(stream, step);
    return next;
  }

  // Online softmax in log2 units: p = exp2(s * c - m) with c = scale *
  // log2(e) folded into one fma per score.
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

  // O += P V. P's accumulator registers of n-tiles 2k and 2k+1 are, as
  // bf16/f16 pairs, the A operand of k-step k (both MMAs' A layout).
  SmallVector<Value> probabilities;
  for (int64_t m = 0; m < mTiles; ++m)
    for (int64_t n = 0; n < nTiles; ++n)
      for (int64_t e = 0; e < 4; e += 2)
        probabilities.push_back(
            packPair(scores[m][n][e], scores[m][n][e + 1]));
  if (onWarpgroup(stream))
    warpgroupAccumulate(stream, step, probabilities, stream.valuesAddress,
                        next.acc);
  else
    warpAccumulate(stream, step, probabilities, next.acc);
  return next;
}

Value MmaBlockBuilder::warpSees(const TileStream &stream, Value step) {
  Value first = firstEntry(stream, step);
  Value exists = lessThan(b, step, stream.numTiles);
  if (keyGrad)
    return arith::AndIOp::create(
        b, exists,
        lessThan(b, sequenceKeyEnd, add(b, first, cIndex(b, stream.rows))));
  if (!stream.isDepth)
    return arith::AndIOp::create(b, exists,
                                 lessThan(b, first, sequenceKeyEnd));
  Value overlaps = arith::AndIOp::create(
      b, lessThan(b, first, depthSeenEnd),
      lessThan(b, depthSeenBegin, add(b, first, cIndex(b, stream.rows))));
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
  fenceForWarpgroupMma();
  gpu::BarrierOp::create(b);
  prefetchStep(add(b, step, cIndex(b, numStages - 1)));
  // The dkv kernel's masked steps are computed whether or not the
  // warpgroup's keys are seen (a tile they do not see is all masked: P = 0
  // adds nothing): behind a branch, the dK and dV accumulators of the
  // wgmma left running meet at its join, and ptxas then serializes every
  // wgmma of the kernel (its C7515 warning).
  if (sequence)
    current = !maskedSequence ? attendTile(current, sequence, step,
                                           /*masked=*/false)
              : keyGrad       ? attendTile(current, sequence, step,
                                           /*masked=*/true)
                              : attendIfSeen(current, sequence, step);
  if (withDepth)
    current = attendIfSeen(current, depth, step);
  scf::YieldOp::create(b, current.flatten());
  return unflatten(loop.getResults());
}

Value MmaBlockBuilder::queryRowOffsetOf(int64_t r) {
  return block.foldedRowOffset(b, spec, args,
                               add(b, block.rowBase, laneRow(r)));
}

void MmaBlockBuilder::storeLaneRow(ArrayRef<Value> acc, int64_t r,
                                   Value factor, Value target,
                                   Value rowOffset) {
  // Lane row r's columns 2 (lane % 4) + {0, 1} of every 8-wide n-tile of D,
  // from its m-tile's accumulators `acc` (r's half: elements 2, 3), scaled,
  // as one bf16/f16 pair each.
  Value laneColumn = mul(b, laneInGroup, cIndex(b, 2));
  for (int64_t n = 0; n < headDim / 8; ++n) {
    int64_t i = 4 * n + 2 * (r % 2);
    Value lo = arith::MulFOp::create(b, acc[i], factor);
    Value hi = arith::MulFOp::create(b, acc[i + 1], factor);
    Value offset = add(b, rowOffset, add(b, laneColumn, cIndex(b, 8 * n)));
    vector::StoreOp::create(b, packPair(lo, hi), target, ValueRange{offset});
  }
}

void MmaBlockBuilder::storeResults(const WarpState &state) {
  Value zeroF = cF32(b, 0.0);
  int64_t headTiles = headDim / 8;
  if (keyGrad) {
    // dk = scale x sum dS^T Q, dv = sum P^T dO, at the lane rows' keys.
    Value scale = cF32(b, spec.scale);
    int64_t half = state.acc.size() / 2;
    for (int64_t r = 0; r < laneRows; ++r) {
      auto store = scf::IfOp::create(b, rowValid[r], /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(store.thenBlock());
      Value rowOffset =
          block.sequenceRowOffset(b, spec, args, rowPosition[r]);
      ArrayRef<Value> acc = state.acc;
      storeLaneRow(acc.take_front(half), r, scale, grad->dk, rowOffset);
      storeLaneRow(acc.drop_front(half), r, cF32(b, 1.0), grad->dv,
                   rowOffset);
    }
    return;
  }
  if (grad) {
    // dq = scale x sum dS K.
    Value scale = cF32(b, spec.scale);
    for (int64_t r = 0; r < laneRows; ++r) {
      auto store = scf::IfOp::create(b, rowValid[r], /*withElseRegion=*/false);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(store.thenBlock());
      storeLaneRow(state.acc, r, scale, grad->dq, queryRowOffsetOf(r));
    }
    return;
  }
  for (int64_t r = 0; r < laneRows; ++r) {
    int64_t m = r / 2;
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
    storeLaneRow(ArrayRef<Value>(state.acc).drop_front(4 * m * headTiles), r,
                 inverse, args.out, block.foldedRowOffset(b, spec, args, row));
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
    memref::StoreOp::create(b, lse, args.lse,
                            ValueRange{block.foldedLseOffset(b, spec, args, row)});
  }
}

std::pair<Value, Value> MmaBlockBuilder::queryRowSource(Value rowInBlock) {
  // Row i of the block is folded row rowBase + i; rows past the end read
  // nothing.
  Value row = add(b, block.rowBase, rowInBlock);
  Value valid = lessThan(b, row, block.numRows);
  Value safeRow = select(b, valid, row, block.rowBase);
  return {block.foldedRowOffset(b, spec, args, safeRow), valid};
}

void MmaBlockBuilder::loadGradRowStatistics() {
  // Per lane row: lse from the forward, and Delta = <dO, O> summed over the
  // row's four lanes (each a quarter of D, 16-byte loads), written to the
  // scratch the dkv and d_depth kernels read.
  Value log2e = cF32(b, M_LOG2E);
  Value negInf = cF32(b, -INFINITY);
  int64_t quarter = headDim / 4;
  auto vectorType = VectorType::get({kChunk}, spec.elementType);
  auto f32Vector = VectorType::get({kChunk}, b.getF32Type());
  for (int64_t r = 0; r < laneRows; ++r) {
    Value row = add(b, block.rowBase, laneRow(r));
    Value safeRow = select(b, rowValid[r], row, block.rowBase);
    Value lseOffset = block.foldedLseOffset(b, spec, args, safeRow);
    Value lse = memref::LoadOp::create(b, args.lse, ValueRange{lseOffset});
    Value lse2 = arith::MulFOp::create(b, lse, log2e);
    Value sawNothing =
        arith::CmpFOp::create(b, arith::CmpFPredicate::OEQ, lse, negInf);
    rowLogSumExp2.push_back(select(b, sawNothing, cF32(b, 0.0), lse2));
    Value rowOffset = block.foldedRowOffset(b, spec, args, safeRow);
    Value first = add(b, rowOffset, mul(b, laneInGroup, cIndex(b, quarter)));
    Value partial = cF32(b, 0.0);
    for (int64_t c = 0; c < quarter; c += kChunk) {
      Value offset = add(b, first, cIndex(b, c));
      Value dOChunk = vector::LoadOp::create(b, vectorType, grad->dOut,
                                             ValueRange{offset});
      Value outChunk =
          vector::LoadOp::create(b, vectorType, args.out, ValueRange{offset});
      Value dO = arith::ExtFOp::create(b, f32Vector, dOChunk);
      Value o = arith::ExtFOp::create(b, f32Vector, outChunk);
      partial = vector::ReductionOp::create(
          b, vector::CombiningKind::ADD, arith::MulFOp::create(b, dO, o),
          partial);
    }
    Value delta = quadReduce(partial, /*isMax=*/false);
    rowDelta.push_back(delta);
    Value writes = arith::AndIOp::create(
        b, rowValid[r],
        arith::CmpIOp::create(b, arith::CmpIPredicate::eq, laneInGroup,
                              cIndex(b, 0)));
    auto store = scf::IfOp::create(b, writes, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(store.thenBlock());
    memref::StoreOp::create(b, delta, grad->delta, ValueRange{lseOffset});
  }
}

void MmaBlockBuilder::build() {
  computeIds();
  allocateSharedTiles();

  // Prologue: the query tile, then steps 0 .. num_stages - 2, one group each.
  if (keyGrad) {
    // K and V of the block's keys.
    auto keys = [&](Value rowInBlock) -> std::pair<Value, Value> {
      Value key = add(b, block.rowBase, rowInBlock);
      Value valid = lessThan(b, key, args.keys);
      Value safe = select(b, valid, key, block.rowBase);
      return {block.sequenceRowOffset(b, spec, args, safe), valid};
    };
    copyRowsAsync(args.k, queryTile, cIndex(b, 0), blockM, blockM, keys);
    copyRowsAsync(args.v, dOutTile, cIndex(b, 0), blockM, blockM, keys);
  } else {
    auto rows = [&](Value rowInBlock) { return queryRowSource(rowInBlock); };
    copyRowsAsync(args.q, queryTile, cIndex(b, 0), blockM, blockM, rows);
    if (grad)
      copyRowsAsync(grad->dOut, dOutTile, cIndex(b, 0), blockM, blockM, rows);
  }
  NVVM::CpAsyncCommitGroupOp::create(b);
  for (int64_t stage = 0; stage + 1 < numStages; ++stage)
    prefetchStep(cIndex(b, stage));
  NVVM::CpAsyncWaitGroupOp::create(b, numStages - 1);
  fenceForWarpgroupMma();
  gpu::BarrierOp::create(b);
  if (!keyGrad)
    queryFragments = loadQueryFragments(queryTile);

  WarpState state;
  if (grad && !keyGrad)
    dOutFragments = loadQueryFragments(dOutTile);
  if (grad) {
    if (!keyGrad)
      loadGradRowStatistics();
  } else {
    state.max.assign(laneRows, cF32(b, -INFINITY));
    state.sum.assign(laneRows, cF32(b, 0.0));
  }
  state.acc.assign((keyGrad ? 2 : 1) * mTiles * headDim / 8 * 4, cF32(b, 0.0));
  if (keyGrad) {
    // The diagonal tiles, the fully visible ones, the last partial one.
    state = emitStepLoop(state, cIndex(b, 0), numDiagonalSteps,
                         /*maskedSequence=*/true, /*withDepth=*/false);
    state = emitStepLoop(state, numDiagonalSteps, numFullSteps,
                         /*maskedSequence=*/false, /*withDepth=*/false);
    state = emitStepLoop(state, numFullSteps, numSteps,
                         /*maskedSequence=*/true, /*withDepth=*/false);
    NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
    storeResults(state);
    return;
  }
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
  if (warpgroupMma)
    NVVM::WgmmaWaitGroupSyncOp::create(b, 0);
  storeResults(state);
}

} // namespace

void mlir::moda::buildAttentionMmaBlock(ImplicitLocOpBuilder &b,
                                        const AttentionKernelSpec &spec,
                                        const AttentionKernelArgs &args) {
  MmaBlockBuilder(b, spec, args).build();
}

void mlir::moda::buildAttentionMmaQueryGradBlock(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    const AttentionKernelArgs &args, const GradTensors &grad) {
  assert(spec.config.getMma() == MmaKind::Wgmma &&
         "the tensor-core dq kernel runs on warpgroup MMA");
  MmaBlockBuilder(b, spec, args, &grad).build();
}

void mlir::moda::buildAttentionMmaKeyGradBlock(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    const AttentionKernelArgs &args, const GradTensors &grad) {
  assert(spec.config.getMma() == MmaKind::Wgmma &&
         "the tensor-core dkv kernel runs on warpgroup MMA");
  MmaBlockBuilder(b, spec, args, &grad, /*keyGrad=*/true).build();
}
