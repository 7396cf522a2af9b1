//===- ConvertModaToTile.cpp - moda.attention to a tile program -----------===//
//
// The algorithm stage: each moda.attention becomes the
// program of one thread block on tiles (moda_tile), with no thread
// indexing, layouts or copies yet, and a launcher that runs it over the
// grid. A block owns `block_m` folded query rows (row i = t * G + g) of one
// key/value head of one batch entry and keeps an online softmax over
//   1. the sequence tiles every row of the block sees in full (no mask),
//   2. the sequence tiles at the block's causal diagonal (masked),
//   3. the block's contiguous span of depth entries (masked: each row sees
//      only its own window),
// all bounds asked of moda_tile.visible_range, i.e. of the one visibility
// rule (Visibility.cpp). With kv_splits > 1 (split-KV, for decoding) the
// kv_splits blocks of a block of query rows each take a share of its
// sequence tiles (the last also its depth entries) and leave a normalized
// partial result and its log-sum-exp in scratch; a merge program folds them
// into out and lse. Each moda.attention_grad becomes its backward's
// programs (AttentionGradToTile.cpp).
//
//===----------------------------------------------------------------------===//

#include "AttentionGradToTile.h"
#include "TileProgramBuilder.h"

#include "moda/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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

class ForwardProgramBuilder : TileProgramBuilder {
public:
  using TileProgramBuilder::TileProgramBuilder;
  /// The softmax over every key a block's rows see, into out and lse.
  void build();
  /// Split-KV's split program: block y = split * Hk + head takes its share
  /// of the keys, into partial_out and partial_lse at batch entry
  /// split * B + b.
  void buildSplit();

private:
  /// The program of the block of query rows `x`, over `share` of its keys
  /// when it is given.
  void buildQueryBlock(Value x, std::optional<KeyShare> share);
  /// One softmax step over the tile of `source` that starts at `first`.
  SoftmaxState attendTile(SoftmaxState state, const KeySource &source,
                          int64_t tileRows, Value first, bool masked);
  /// The step's products and softmax update on the loaded tiles, the
  /// scores passed through `mask` where it is given.
  SoftmaxState attendKeys(SoftmaxState state, Value keys, Value values,
                          int64_t tileRows, ScoreMask mask);

  Value query;
  QueryBlock block;
};

SoftmaxState ForwardProgramBuilder::attendTile(SoftmaxState state,
                                               const KeySource &source,
                                               int64_t tileRows, Value first,
                                               bool masked) {
  Value keys, values;
  std::tie(keys, values) = loadKeyTiles(source, tileRows, first);
  if (!masked)
    return attendKeys(state, keys, values, tileRows, /*mask=*/{});
  return SoftmaxState::fromRange(buildMaskedStep(
      block, source, tileRows, first, state.asRange(), [&](ScoreMask mask) {
        return attendKeys(state, keys, values, tileRows, mask).asRange();
      }));
}

SoftmaxState ForwardProgramBuilder::attendKeys(SoftmaxState state,
                                               Value keys, Value values,
                                               int64_t tileRows,
                                               ScoreMask mask) {
  Value zeros = splat({blockM, tileRows}, 0.0);
  Value scores =
      DotOp::create(b, zeros.getType(), query, keys, zeros,
                    /*transpose_rhs=*/b.getUnitAttr(), /*layout=*/LayoutAttr(), /*async=*/UnitAttr());
  if (mask)
    scores = mask(scores);
  Type rowStateType = state.max.getType();
  auto update = SoftmaxUpdateOp::create(
      b, rowStateType, scores.getType(), rowStateType, rowStateType, scores,
      state.max, state.sum, exp2Scale);
  Value rescaled = ScaleRowsOp::create(b, state.acc.getType(), state.acc,
                                       update.getRescale());
  Value acc = DotOp::create(b, rescaled.getType(), update.getProbs(), values,
                            rescaled, /*transpose_rhs=*/UnitAttr(),
                            /*layout=*/LayoutAttr(), /*async=*/UnitAttr());
  return {update.getNewMax(), update.getNewSum(), acc};
}

void ForwardProgramBuilder::build() {
  forEachQueryBlock([&](Value x) { buildQueryBlock(x, std::nullopt); });
}

void ForwardProgramBuilder::buildSplit() {
  forEachQueryBlock([&](Value x) {
    Value heads = index(spec.numKVHeads);
    KeyShare share{arith::DivUIOp::create(b, head, heads), spec.kvSplits};
    head = arith::RemUIOp::create(b, head, heads);
    buildQueryBlock(x, share);
  });
}

void ForwardProgramBuilder::buildQueryBlock(Value x,
                                            std::optional<KeyShare> share) {
  block = getQueryBlock(x);
  RowsAttr rows = queryRows();
  query = loadRows(args.q, rows, blockM, block.rowBase, block.numRows,
                   numQueries);
  SoftmaxState state{splat({blockM}, -INFINITY), splat({blockM}, 0.0),
                     splat({blockM, spec.headDim}, 0.0)};
  state = SoftmaxState::fromRange(forEachVisibleKeyTile(
      state.asRange(), block,
      [&](ValueRange carried, const KeySource &source, int64_t tileRows,
          Value first, bool masked) {
        return attendTile(SoftmaxState::fromRange(carried), source, tileRows,
                          first, masked)
            .asRange();
      },
      share));
  if (!share) {
    auto finalize =
        FinalizeOp::create(b, rowTileType(blockM), state.max.getType(),
                           state.acc, state.max, state.sum, exp2Scale);
    storeRows(finalize.getOut(), args.out, rows, block.rowBase, block.numRows,
              numQueries);
    storeRows(finalize.getLse(), args.lse, lseRows(), block.rowBase,
              block.numRows, numQueries);
    return;
  }
  // The share's result stays f32 for the merge; a share that saw no key
  // leaves zeros and lse = -inf, which the merge skips.
  auto partialType =
      RankedTensorType::get({blockM, spec.headDim}, b.getF32Type());
  auto finalize = FinalizeOp::create(b, partialType, state.max.getType(),
                                     state.acc, state.max, state.sum,
                                     exp2Scale);
  Value shareBatch = arith::AddIOp::create(
      b, arith::MulIOp::create(b, share->split, args.batch), batch);
  storeTile(finalize.getOut(), args.partialOut, rows, shareBatch,
            block.rowBase, block.numRows, numQueries);
  storeTile(finalize.getLse(), args.partialLse, lseRows(), shareBatch,
            block.rowBase, block.numRows, numQueries);
}

/// Split-KV's merge program: a block per block of query rows, on the
/// forward's grid, folds the kv_splits partial results of its rows into
/// out and lse by their log-sum-exps.
class MergeProgramBuilder : TileProgramBuilder {
public:
  using TileProgramBuilder::TileProgramBuilder;
  void build() {
    forEachQueryBlock([&](Value x) { buildQueryBlock(x); });
  }

private:
  void buildQueryBlock(Value x);
};

void MergeProgramBuilder::buildQueryBlock(Value x) {
  QueryBlock block = getQueryBlock(x);
  RowsAttr rows = queryRows();
  auto rowStateType = RankedTensorType::get({blockM}, b.getF32Type());
  auto partialType =
      RankedTensorType::get({blockM, spec.headDim}, b.getF32Type());
  SmallVector<Value> init = {splat({blockM}, -INFINITY), splat({blockM}, 0.0),
                             splat({blockM, spec.headDim}, 0.0)};
  auto loop = scf::ForOp::create(b, index(0), index(spec.kvSplits), index(1),
                                 init);
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    ValueRange state = loop.getRegionIterArgs();
    Value shareBatch = arith::AddIOp::create(
        b, arith::MulIOp::create(b, loop.getInductionVar(), args.batch),
        batch);
    Value partial = loadTile(partialType, args.partialOut, rows, shareBatch,
                             block.rowBase, block.numRows, numQueries);
    Value partialLse = loadTile(rowStateType, args.partialLse, lseRows(),
                                shareBatch, block.rowBase, block.numRows,
                                numQueries);
    auto merge = MergePartialOp::create(b, rowStateType, rowStateType,
                                        partialType, partial, partialLse,
                                        state[0], state[1], state[2]);
    scf::YieldOp::create(b, merge.getResults());
  }
  // The merge's statistics are natural-log: exp2_scale log2(e) makes
  // finalize's lse max + ln(sum).
  auto finalize = FinalizeOp::create(
      b, rowTileType(blockM), rowStateType, loop.getResult(2),
      loop.getResult(0), loop.getResult(1), b.getF32FloatAttr(M_LOG2E));
  storeRows(finalize.getOut(), args.out, rows, block.rowBase, block.numRows,
            numQueries);
  storeRows(finalize.getLse(), args.lse, lseRows(), block.rowBase,
            block.numRows, numQueries);
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
    KernelAbiAttr abi = spec.describe(op, name);
    auto programType =
        FunctionType::get(ctx, getKernelArgumentTypes(spec), {});
    auto addProgram = [&](StringRef programName,
                          function_ref<void(ImplicitLocOpBuilder &,
                                            const AttentionKernelArgs &)>
                              body) {
      auto program =
          func::FuncOp::create(builder, loc, programName, programType);
      program.setPrivate();
      program->setAttr(kProgramAttrName, UnitAttr::get(ctx));
      program->setAttr(kKernelAbiAttrName, abi);
      symbols.insert(program);
      ImplicitLocOpBuilder b(loc, ctx);
      b.setInsertionPointToStart(program.addEntryBlock());
      body(b, getKernelArgs(spec, program.getArguments()));
      func::ReturnOp::create(b);
      return program;
    };
    SmallVector<func::FuncOp, 2> programs;
    if (spec.splitsKeys()) {
      programs.push_back(addProgram(
          name, [&](ImplicitLocOpBuilder &b, const AttentionKernelArgs &args) {
            ForwardProgramBuilder(b, spec, args).buildSplit();
          }));
      programs.push_back(addProgram(
          getMergeKernelName(name),
          [&](ImplicitLocOpBuilder &b, const AttentionKernelArgs &args) {
            MergeProgramBuilder(b, spec, args).build();
          }));
    } else {
      programs.push_back(addProgram(
          name, [&](ImplicitLocOpBuilder &b, const AttentionKernelArgs &args) {
            ForwardProgramBuilder(b, spec, args).build();
          }));
    }

    // The launcher takes contiguous tensors (what a moda.attention's
    // operands are) without scratch, allocates the scratch and passes the
    // programs their strides; each program starts after the previous one
    // is done.
    auto launcher = func::FuncOp::create(
        builder, loc, (name + "_launch").str(),
        FunctionType::get(ctx, getLauncherArgumentTypes(spec), {}));
    symbols.insert(launcher);
    ImplicitLocOpBuilder b(loc, ctx);
    b.setInsertionPointToStart(launcher.addEntryBlock());
    SmallVector<Value> operands = insertScratchBuffers(
        b, spec, spec.getTensorNames(), launcher.getArguments(),
        [&](MemRefType type, Value elements) {
          return memref::AllocOp::create(b, type, ValueRange{elements});
        });
    SmallVector<Value> sizes(
        ArrayRef<Value>(operands).take_back(getNumSizeArguments(spec)));
    SmallVector<Value> gridSizes = getGridSizes(b, spec, sizes);
    SmallVector<SmallVector<Value, 3>> grids;
    for (func::FuncOp program : programs)
      grids.push_back(buildGridSize(b, getOwnLaunch(program), gridSizes));
    llvm::append_range(operands,
                       buildContiguousStrideArguments(b, abi, sizes));
    for (auto [program, grid] : llvm::zip_equal(programs, grids))
      LaunchOp::create(b, SymbolRefAttr::get(program), grid[0], grid[1],
                       grid[2], operands);
    func::ReturnOp::create(b);
    return launcher;
  };
  if (failed(lowerAttentions(module, build)) ||
      failed(lowerAttentionGradsToTilePrograms(module)))
    signalPassFailure();
}

} // namespace
