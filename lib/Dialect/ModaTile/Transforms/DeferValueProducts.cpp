//===- DeferValueProducts.cpp - P V of a step runs under the next softmax -===//
//
// The stage that overlaps a forward step's two products with its softmax:
// in a loop of unmasked softmax steps whose products are warpgroup (wgmma)
// products, the probabilities-times-values product of step j moves into
// iteration j + 1, where it is issued right after that iteration's score
// product and runs while the scores' softmax is computed (FlashAttention-3's
// intra-warpgroup overlap). The loop is rotated: iteration j computes step
// j - 1's value product and step j's scores and softmax (the first
// iteration's value product adds zero probabilities: no prologue, so no
// tile is loaded outside the pipelined loop but the last step's values),
// and an epilogue adds the last step's value product. The loop carries the
// probabilities (in the values' element type, as the product reads them)
// and the accumulator already rescaled by the newest step's factor.
//
// The value tile the deferred product reads is loaded in the iteration
// that uses it (step j - 1's values in iteration j), so moda-tile-pipeline
// gives it a slot of its own per iteration: the copy that refills a slot
// starts only after the iteration that read it waited for its products
// (moda-tile-async-dots waits for every product before a block ends).
// Products of the other layouts finish when issued: their loops are left
// as they are, as are masked steps (moda_tile.if_seen).
//
//===----------------------------------------------------------------------===//

#include "LoopAnalysis.h"

#include "moda/Dialect/ModaTile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::moda::tile {
#define GEN_PASS_DEF_MODATILEDEFERVALUEPRODUCTS
#include "moda/Dialect/ModaTile/Transforms/Passes.h.inc"
} // namespace mlir::moda::tile

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// A loop of unmasked softmax steps:
///   %s = dot %q, %k          (wgmma)
///   %m', %p, %r, %l' = softmax_update %s, ...
///   %a = scale_rows %acc, %r  (%acc the loop-carried accumulator)
///   %acc' = dot %p, %v, %a   (wgmma; %v a load of the body)
///   scf.yield ..., %acc', ...
struct SoftmaxStepLoop {
  scf::ForOp loop;
  SoftmaxUpdateOp update;
  ScaleRowsOp rescale;
  DotOp valueProduct;
  LoadOp values;
  unsigned accPosition = 0;
  /// What computes the value load's operands from the induction variable,
  /// in program order.
  SmallVector<Operation *> valueOperandOps;
};

std::optional<SoftmaxStepLoop> matchSoftmaxStepLoop(scf::ForOp loop,
                                                    int64_t minValueColumns) {
  Block *body = loop.getBody();
  // Signed index loops (what the programs build), whose body only reads
  // memory: moving a load across iterations keeps what it reads.
  if (!loop.getInductionVar().getType().isIndex() || loop.getUnsignedCmp() ||
      llvm::any_of(body->without_terminator(), [](Operation &op) {
        return op.getNumRegions() != 0 || !(isPure(&op) || onlyReadsMemory(&op));
      }))
    return std::nullopt;
  SoftmaxStepLoop match;
  match.loop = loop;
  auto yield = cast<scf::YieldOp>(body->getTerminator());
  for (auto [position, yielded] : llvm::enumerate(yield.getOperands())) {
    auto product = yielded.getDefiningOp<DotOp>();
    if (!isWarpgroupProduct(product) || product->getBlock() != body ||
        product.getType().getDimSize(1) < minValueColumns)
      continue;
    auto rescale = product.getAcc().getDefiningOp<ScaleRowsOp>();
    auto update = product.getLhs().getDefiningOp<SoftmaxUpdateOp>();
    auto values = product.getRhs().getDefiningOp<LoadOp>();
    if (!rescale || !update || !values ||
        rescale.getTile() != loop.getRegionIterArgs()[position] ||
        !loop.getRegionIterArgs()[position].hasOneUse() ||
        rescale.getFactors() != update.getRescale() ||
        product.getLhs() != update.getProbs())
      continue;
    auto scores = update.getScores().getDefiningOp<DotOp>();
    if (!isWarpgroupProduct(scores) || values->getBlock() != body ||
        !values->hasOneUse() || !product->hasOneUse() ||
        !update.getProbs().hasOneUse() || !rescale->hasOneUse())
      continue;
    llvm::SetVector<Operation *> indexOps;
    if (!llvm::all_of(values->getOperands(), [&](Value operand) {
          return collectInductionOps(operand, loop, indexOps);
        }))
      continue;
    match.update = update;
    match.rescale = rescale;
    match.valueProduct = product;
    match.values = values;
    match.accPosition = position;
    match.valueOperandOps.assign(indexOps.begin(), indexOps.end());
    llvm::sort(match.valueOperandOps, [](Operation *a, Operation *b) {
      return a->isBeforeInBlock(b);
    });
    return match;
  }
  return std::nullopt;
}

/// Step `iteration`'s value tile: its load, with what computes the load's
/// operands.
Value buildValueLoad(OpBuilder &b, SoftmaxStepLoop &match, IRMapping mapping,
                     Value iteration) {
  mapping.map(match.loop.getInductionVar(), iteration);
  for (Operation *op : match.valueOperandOps)
    b.clone(*op, mapping);
  return b.clone(*match.values, mapping)->getResult(0);
}

/// The value product of `probs` and `values` into `acc`.
Value buildValueProduct(OpBuilder &b, SoftmaxStepLoop &match, Value probs,
                        Value values, Value acc) {
  IRMapping mapping;
  mapping.map(match.valueProduct.getLhs(), probs);
  mapping.map(match.valueProduct.getRhs(), values);
  mapping.map(match.valueProduct.getAcc(), acc);
  return b.clone(*match.valueProduct, mapping)->getResult(0);
}

/// Step `mapping`'s first half: every body op but the value load, the
/// value product and the accumulator's rescale, cloned under `mapping`.
void buildScoresAndSoftmax(OpBuilder &b, SoftmaxStepLoop &match,
                           IRMapping &mapping) {
  for (Operation &op : match.loop.getBody()->without_terminator())
    if (&op != match.values && &op != match.valueProduct &&
        &op != match.rescale)
      b.clone(op, mapping);
}

/// The probabilities' type as the value product reads them: the values'
/// element type.
RankedTensorType getCarriedProbsType(SoftmaxStepLoop &match) {
  auto probs = cast<RankedTensorType>(match.update.getProbs().getType());
  return probs.clone(match.values.getType().getElementType());
}

void rotate(SoftmaxStepLoop &match) {
  scf::ForOp loop = match.loop;
  Location loc = loop.getLoc();
  OpBuilder b(loop);
  Value lb = loop.getLowerBound(), ub = loop.getUpperBound(),
        step = loop.getStep();
  unsigned acc = match.accPosition;
  // The epilogue needs a last iteration: a loop without any is left as it
  // was (its results its inits).
  Value any = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lb, ub);
  auto guard = scf::IfOp::create(b, loc, loop.getResultTypes(), any,
                                 /*withElseRegion=*/true);
  {
    OpBuilder::InsertionGuard insertion(b);
    b.setInsertionPointToStart(guard.elseBlock());
    scf::YieldOp::create(b, loc, loop.getInitArgs());
  }
  b.setInsertionPointToStart(guard.thenBlock());

  // Iteration j: step j - step's value product (the first iteration's adds
  // zero probabilities times step lb's values: no prologue, no tile
  // loaded outside the loop), step j's scores and softmax, then the
  // accumulator rescaled by step j's factor.
  RankedTensorType probsType = getCarriedProbsType(match);
  Value noProbs = arith::ConstantOp::create(
      b, loc, probsType,
      DenseElementsAttr::get(probsType,
                             b.getFloatAttr(probsType.getElementType(), 0.0)));
  SmallVector<Value> inits(loop.getInitArgs());
  inits.push_back(noProbs);
  auto rotated = scf::ForOp::create(b, loc, lb, ub, step, inits);
  auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
  {
    OpBuilder::InsertionGuard insertion(b);
    b.setInsertionPointToStart(rotated.getBody());
    ValueRange carried = rotated.getRegionIterArgs();
    IRMapping body;
    for (auto [argument, value] :
         llvm::zip(loop.getRegionIterArgs(), carried.drop_back()))
      body.map(argument, value);
    Value iv = rotated.getInductionVar();
    Value previous = arith::MaxSIOp::create(
        b, loc, arith::SubIOp::create(b, loc, iv, step), lb);
    // The loads first (moda-tile-pipeline turns them into waits for copies
    // started an iteration ahead), the value product after the softmax:
    // moda-tile-async-dots issues it right after the scores' product,
    // which is needed first.
    Value values = buildValueLoad(b, match, body, previous);
    body.map(loop.getInductionVar(), iv);
    buildScoresAndSoftmax(b, match, body);
    Value accumulated = buildValueProduct(b, match, carried.back(), values,
                                          carried[acc]);
    Value rescaled = ScaleRowsOp::create(
        b, loc, accumulated, body.lookup(match.update.getRescale()));
    SmallVector<Value> next;
    for (auto [position, value] : llvm::enumerate(yield.getOperands()))
      next.push_back(position == acc ? rescaled : body.lookupOrDefault(value));
    next.push_back(ConvertOp::create(b, loc, probsType,
                                     body.lookup(match.update.getProbs())));
    scf::YieldOp::create(b, loc, next);
  }

  // Epilogue: the last step's value product.
  Value trips = arith::CeilDivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, ub, lb), step);
  Value last = arith::AddIOp::create(
      b, loc, lb,
      arith::MulIOp::create(
          b, loc,
          arith::SubIOp::create(b, loc, trips,
                                arith::ConstantIndexOp::create(b, loc, 1)),
          step));
  SmallVector<Value> results(rotated.getResults().drop_back());
  results[acc] = buildValueProduct(b, match, rotated.getResults().back(),
                                   buildValueLoad(b, match, IRMapping(), last),
                                   results[acc]);
  scf::YieldOp::create(b, loc, results);
  loop.replaceAllUsesWith(guard.getResults());
  loop.erase();
}

struct ModaTileDeferValueProductsPass
    : public tile::impl::ModaTileDeferValueProductsBase<
          ModaTileDeferValueProductsPass> {
  using Base::Base;

  void runOnOperation() override {
    for (auto program : getOperation().getOps<func::FuncOp>()) {
      if (!program->hasAttr(kProgramAttrName))
        continue;
      SmallVector<SoftmaxStepLoop> matches;
      program.walk([&](scf::ForOp loop) {
        if (std::optional<SoftmaxStepLoop> match =
                matchSoftmaxStepLoop(loop, minValueColumns))
          matches.push_back(*match);
      });
      for (SoftmaxStepLoop &match : matches)
        rotate(match);
    }
  }
};

} // namespace
