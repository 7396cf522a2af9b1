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
// rule (Visibility.cpp). Each moda.attention_grad becomes its backward's
// programs (AttentionGradToTile.cpp).
//
//===----------------------------------------------------------------------===//

#include "AttentionGradToTile.h"
#include "TileProgramBuilder.h"

#include "moda/Conversion/Passes.h"

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

class ForwardProgramBuilder : TileProgramBuilder {
public:
  using TileProgramBuilder::TileProgramBuilder;
  void build();

private:
  /// The program of the block of query rows `x`.
  void buildQueryBlock(Value x);
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
  Value keys =
      loadRows(source.keys, source.rows, tileRows, first, source.end,
               source.extent);
  Value values = loadRows(source.values, source.rows, tileRows, first,
                          source.end, source.extent);
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
  forEachQueryBlock([&](Value x) { buildQueryBlock(x); });
}

void ForwardProgramBuilder::buildQueryBlock(Value x) {
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
      }));
  auto finalize =
      FinalizeOp::create(b, rowTileType(blockM), state.max.getType(),
                         state.acc, state.max, state.sum, exp2Scale);
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
    auto program = func::FuncOp::create(
        builder, loc, name,
        FunctionType::get(ctx, getKernelArgumentTypes(spec), {}));
    program.setPrivate();
    program->setAttr(kProgramAttrName, UnitAttr::get(ctx));
    program->setAttr(kKernelAbiAttrName, spec.describe(op, name));
    symbols.insert(program);
    {
      ImplicitLocOpBuilder b(loc, ctx);
      b.setInsertionPointToStart(program.addEntryBlock());
      ForwardProgramBuilder(b, spec,
                            getKernelArgs(spec, program.getArguments()))
          .build();
      func::ReturnOp::create(b);
    }

    // The launcher takes contiguous tensors (what a moda.attention's
    // operands are) and passes the program their strides.
    auto launcher = func::FuncOp::create(
        builder, loc, (name + "_launch").str(),
        FunctionType::get(ctx, getLauncherArgumentTypes(spec), {}));
    symbols.insert(launcher);
    ImplicitLocOpBuilder b(loc, ctx);
    b.setInsertionPointToStart(launcher.addEntryBlock());
    SmallVector<Value> operands(launcher.getArguments());
    SmallVector<Value> sizes(
        ArrayRef<Value>(operands).take_back(getNumSizeArguments(spec)));
    SmallVector<Value, 3> grid =
        buildGridSize(b, getOwnLaunch(program), getGridSizes(b, spec, sizes));
    llvm::append_range(operands,
                       buildContiguousStrideArguments(
                           b, program->getAttrOfType<KernelAbiAttr>(
                                  kKernelAbiAttrName),
                           sizes));
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
