//===- ConvertModaToTile.cpp - moda.attention to a tile program -----------===//
//
// The algorithm stage: each moda.attention becomes the program of one thread
// block on tiles (moda_tile), with no thread indexing, layouts or copies
// yet, and a launcher that runs it over the grid. A block owns `block_m`
// folded query rows (row i = t * G + g) of one key/value head of one batch
// entry and keeps an online softmax over
//   1. the sequence tiles every row of the block sees in full (no mask),
//   2. the sequence tiles at the block's causal diagonal (masked),
//   3. the block's contiguous span of depth entries (masked: each row sees
//      only its own window),
// all bounds asked of moda_tile.visible_range, i.e. of the one visibility
// rule (Visibility.cpp).
//
//===----------------------------------------------------------------------===//

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Conversion/Passes.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

namespace mlir::moda {
#define GEN_PASS_DEF_CONVERTMODATOTILE
#include "moda/Conversion/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// The online-softmax state of the block's rows: running max and sum per
/// row (f32, score units) and the unnormalized accumulator.
struct SoftmaxState {
  Value max, sum, acc;
  SmallVector<Value> asRange() const { return {max, sum, acc}; }
  static SoftmaxState fromRange(ValueRange values) {
    return {values[0], values[1], values[2]};
  }
};

/// The tiles of keys (sequence or depth) one step of the softmax reads.
struct KeySource {
  Value keys, values; ///< the flat buffers
  RowsAttr rows;
  int64_t tileRows;
  Value end, extent; ///< rows at or past `end` read as zeros
  VisibilityAttr rule;
};

class TileProgramBuilder {
public:
  TileProgramBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                     const AttentionKernelArgs &args)
      : b(b), spec(spec), args(args) {
    f32 = b.getF32Type();
    blockM = spec.config.getBlockM();
    exp2Scale = b.getF32FloatAttr(float(spec.scale * M_LOG2E));
  }

  void build();

private:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value splat(ArrayRef<int64_t> shape, double value) {
    auto type = RankedTensorType::get(shape, f32);
    return arith::ConstantOp::create(
        b, DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
  }
  std::pair<Value, Value> visibleRange(VisibilityAttr rule, Value position) {
    Type indexType = b.getIndexType();
    auto range =
        VisibleRangeOp::create(b, indexType, indexType, position, args.queries,
                               args.keys, args.depth, rule);
    return {range.getBegin(), range.getEnd()};
  }
  /// One softmax step over the tile of `source` that starts at `first`.
  SoftmaxState attendTile(SoftmaxState state, const KeySource &source,
                          Value first, bool masked);
  /// The loop of steps over tiles [firstTile, endTile) of `source`, the
  /// tile j starting at row base + j * tileRows.
  SoftmaxState attendTiles(SoftmaxState state, const KeySource &source,
                           Value base, Value firstTile, Value endTile,
                           bool masked);

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionKernelArgs &args;
  Type f32;
  int64_t blockM;
  FloatAttr exp2Scale;

  // Block-uniform values.
  Value batch, head, rowBase, query;
};

SoftmaxState TileProgramBuilder::attendTile(SoftmaxState state,
                                            const KeySource &source,
                                            Value first, bool masked) {
  auto tileType =
      RankedTensorType::get({source.tileRows, spec.headDim}, spec.elementType);
  auto loadTile = [&](Value buffer) {
    return LoadOp::create(b, tileType, buffer, batch, head, first, source.end,
                          source.extent, source.rows, /*copy=*/CopyAttr());
  };
  Value keys = loadTile(source.keys);
  Value values = loadTile(source.values);
  Value zeros = splat({blockM, source.tileRows}, 0.0);
  Value scores =
      DotOp::create(b, zeros.getType(), query, keys, zeros,
                    /*transpose_rhs=*/b.getUnitAttr(), /*layout=*/LayoutAttr());
  if (masked)
    scores = MaskOp::create(b, scores.getType(), scores, rowBase, first, args.queries,
                            args.keys, args.depth,
                            b.getI64IntegerAttr(spec.groupSize), source.rule);
  Type rowStateType = state.max.getType();
  auto update = SoftmaxUpdateOp::create(
      b, rowStateType, scores.getType(), rowStateType, rowStateType, scores,
      state.max, state.sum, exp2Scale);
  Value rescaled = ScaleRowsOp::create(b, state.acc.getType(), state.acc,
                                       update.getRescale());
  Value acc = DotOp::create(b, rescaled.getType(), update.getProbs(), values,
                            rescaled, /*transpose_rhs=*/UnitAttr(),
                            /*layout=*/LayoutAttr());
  return {update.getNewMax(), update.getNewSum(), acc};
}

SoftmaxState TileProgramBuilder::attendTiles(SoftmaxState state,
                                             const KeySource &source,
                                             Value base, Value firstTile,
                                             Value endTile, bool masked) {
  auto loop = scf::ForOp::create(b, firstTile, endTile, index(1),
                                 state.asRange());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value first = arith::AddIOp::create(
      b, base,
      arith::MulIOp::create(b, loop.getInductionVar(),
                            index(source.tileRows)));
  SoftmaxState next =
      attendTile(SoftmaxState::fromRange(loop.getRegionIterArgs()), source,
                 first, masked);
  scf::YieldOp::create(b, next.asRange());
  return SoftmaxState::fromRange(loop.getResults());
}

void TileProgramBuilder::build() {
  MLIRContext *ctx = b.getContext();
  Value queryBlock = ProgramIdOp::create(b, b.getIndexType(), ProgramAxis::X);
  head = ProgramIdOp::create(b, b.getIndexType(), ProgramAxis::Y);
  batch = ProgramIdOp::create(b, b.getIndexType(), ProgramAxis::Z);

  // The block's folded rows [rowBase, rowEnd) and the positions they cover.
  Value group = index(spec.groupSize);
  Value numRows = arith::MulIOp::create(b, args.queries, group);
  rowBase = arith::MulIOp::create(b, queryBlock, index(blockM));
  Value rowEnd = arith::MinUIOp::create(
      b, arith::AddIOp::create(b, rowBase, index(blockM)), numRows);
  Value firstPosition = arith::DivUIOp::create(b, rowBase, group);
  Value lastPosition = arith::DivUIOp::create(
      b, arith::SubIOp::create(b, rowEnd, index(1)), group);

  auto queryRows = RowsAttr::get(ctx, RowKind::Query, spec.numQueryHeads,
                                 spec.groupSize);
  auto queryTileType =
      RankedTensorType::get({blockM, spec.headDim}, spec.elementType);
  query = LoadOp::create(b, queryTileType, args.q, batch, head, rowBase,
                         numRows, args.queries, queryRows, /*copy=*/CopyAttr());

  SoftmaxState state{splat({blockM}, -INFINITY), splat({blockM}, 0.0),
                     splat({blockM, spec.headDim}, 0.0)};
  auto kvRows = RowsAttr::get(ctx, RowKind::Key, spec.numKVHeads, 1);
  if (spec.hasSequence) {
    auto rule = VisibilityAttr::get(ctx, VisiblePart::Sequence, spec.causal,
                                    DepthVisibility::PerPosition, 0);
    int64_t blockN = spec.config.getBlockN();
    // Visible ranges grow with the position: the first row's is seen by
    // all rows, the last row's bounds the block.
    Value fullEnd = visibleRange(rule, firstPosition).second;
    Value diagonalEnd = visibleRange(rule, lastPosition).second;
    Value numFullTiles = arith::DivUIOp::create(b, fullEnd, index(blockN));
    Value numTiles = arith::CeilDivUIOp::create(b, diagonalEnd, index(blockN));
    KeySource sequence{args.k,      args.v,    kvRows, blockN,
                       args.keys, args.keys, rule};
    state = attendTiles(state, sequence, index(0), index(0), numFullTiles,
                        /*masked=*/false);
    state = attendTiles(state, sequence, index(0), numFullTiles, numTiles,
                        /*masked=*/true);
  }
  if (spec.hasDepth) {
    auto rule = VisibilityAttr::get(ctx, VisiblePart::Depth, false,
                                    spec.visibility, spec.chunkSize);
    int64_t blockDepth = spec.config.getBlockDepth();
    // The block's span of flattened (position, entry) indices: from the
    // first row's window start to the last row's window end.
    Value spanBegin = visibleRange(rule, firstPosition).first;
    Value spanEnd = visibleRange(rule, lastPosition).second;
    Value numTiles = arith::CeilDivUIOp::create(
        b, arith::SubIOp::create(b, spanEnd, spanBegin), index(blockDepth));
    auto depthRows = RowsAttr::get(ctx, RowKind::Depth, spec.numKVHeads, 1);
    Value extent = arith::MulIOp::create(b, args.queries, args.depth);
    KeySource depth{args.depthK, args.depthV, depthRows, blockDepth,
                    spanEnd,     extent,      rule};
    state = attendTiles(state, depth, spanBegin, index(0), numTiles,
                        /*masked=*/true);
  }

  auto finalize = FinalizeOp::create(b, queryTileType, state.max.getType(),
                                     state.acc, state.max, state.sum,
                                     exp2Scale);
  StoreOp::create(b, finalize.getOut(), args.out, batch, head, rowBase,
                  numRows, args.queries, queryRows);
  auto lseRows =
      RowsAttr::get(ctx, RowKind::Lse, spec.numQueryHeads, spec.groupSize);
  StoreOp::create(b, finalize.getLse(), args.lse, batch, head, rowBase,
                  numRows, args.queries, lseRows);
}

struct ConvertModaToTilePass
    : mlir::moda::impl::ConvertModaToTileBase<ConvertModaToTilePass> {
  void runOnOperation() override;
};

void ConvertModaToTilePass::runOnOperation() {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  SymbolTable symbols(module);
  auto build = [&](StringRef name, const AttentionKernelSpec &spec,
                   AttentionOp op) {
    Location loc = op.getLoc();
    auto type = FunctionType::get(ctx, getKernelArgumentTypes(spec), {});

    auto program = func::FuncOp::create(builder, loc, name, type);
    program.setPrivate();
    program->setAttr(kProgramAttrName, UnitAttr::get(ctx));
    program->setAttr(kKernelAbiAttrName, spec.describe(op, name));
    symbols.insert(program);
    {
      ImplicitLocOpBuilder b(loc, ctx);
      b.setInsertionPointToStart(program.addEntryBlock());
      TileProgramBuilder(b, spec, getKernelArgs(spec, program.getArguments()))
          .build();
      func::ReturnOp::create(b);
    }

    auto launcher =
        func::FuncOp::create(builder, loc, (name + "_launch").str(), type);
    symbols.insert(launcher);
    ImplicitLocOpBuilder b(loc, ctx);
    b.setInsertionPointToStart(launcher.addEntryBlock());
    AttentionKernelArgs args = getKernelArgs(spec, launcher.getArguments());
    SmallVector<Value, 3> grid =
        buildGridSize(b, getOwnLaunch(program), args.getSizes());
    LaunchOp::create(b, SymbolRefAttr::get(program), grid[0], grid[1],
                     grid[2], launcher.getArguments());
    func::ReturnOp::create(b);
    return launcher;
  };
  if (failed(lowerAttentions(module, build)))
    signalPassFailure();
}

} // namespace
