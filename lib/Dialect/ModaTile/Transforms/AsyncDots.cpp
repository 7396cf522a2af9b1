//===- AsyncDots.cpp - warpgroup products issued early, waited for late ---===//
//
// The stage that overlaps products with each other and with the softmax:
// a wgmma product is issued and runs on its own while the warpgroup goes
// on, so a program gains by issuing each product as soon as its operands
// exist and reading its result as late as possible. In a backward step the
// score product (S = Q K^T) and the output-gradient product (dP = dO V^T)
// are independent: issued back to back, the probabilities are computed
// while dP runs; the gradient products (dV += P^T dO, dQ += dS K) run on
// while the next scores' math goes on.
//
// Per block of a program, in two steps:
//   - issue order: each wgmma product moves up past pure ops and past
//     earlier products it does not depend on whose results are needed
//     later than its own (products finish in issue order, so the one needed
//     first goes first), never above what defines its operands or an op
//     with memory effects;
//   - waits: before the first op that reads a product's result (other than
//     as the accumulator of a later async product, which the hardware
//     orders itself), a moda_tile.dot_wait with `pending` = the number of
//     products issued after it; a product still running when the block ends
//     is waited for before its terminator, and all are waited for before an
//     op with memory effects (which may write the shared tiles a product
//     reads). So no product outlives its block: a loop's next iteration
//     refills shared buffers only after the products that read them ended.
//
//===----------------------------------------------------------------------===//

#include "LoopAnalysis.h"

#include "moda/Dialect/ModaTile/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::moda::tile {
#define GEN_PASS_DEF_MODATILEASYNCDOTS
#include "moda/Dialect/ModaTile/Transforms/Passes.h.inc"
} // namespace mlir::moda::tile

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// Whether `operand` is a use the hardware orders without a wait: the
/// accumulator of an async product.
bool isChainedAccumulator(OpOperand &operand) {
  auto dot = dyn_cast<DotOp>(operand.getOwner());
  return dot && dot.getAsync() &&
         operand.getOperandNumber() == dot.getAccMutable().getOperandNumber();
}

/// The first op of `block` that uses `value` (itself, or through an op
/// nested in it); the terminator when nothing does.
Operation *getFirstUser(Value value, Block &block) {
  Operation *first = block.getTerminator();
  for (Operation *user : value.getUsers()) {
    Operation *inBlock = block.findAncestorOpInBlock(*user);
    if (inBlock && inBlock->isBeforeInBlock(first))
      first = inBlock;
  }
  return first;
}

/// Moves each warpgroup product of `block` as early as its operands, the
/// effects around it and the products it must not overtake allow.
void issueEarly(Block &block) {
  // Constants first, so that a product's zero accumulator does not hold it
  // where the constant happens to be written.
  for (Operation &op : llvm::make_early_inc_range(block))
    if (op.getNumOperands() == 0 && op.hasTrait<OpTrait::ConstantLike>())
      op.moveBefore(&block, block.begin());
  SmallVector<DotOp> products;
  for (Operation &op : block)
    if (isWarpgroupProduct(&op))
      products.push_back(cast<DotOp>(op));
  for (DotOp product : products) {
    Operation *neededAt = getFirstUser(product.getResult(), block);
    Operation *stop = product->getPrevNode();
    for (; stop; stop = stop->getPrevNode()) {
      if (llvm::is_contained(stop->getResults(), product.getLhs()) ||
          llvm::is_contained(stop->getResults(), product.getRhs()) ||
          llvm::is_contained(stop->getResults(), product.getAcc()))
        break;
      if (isWarpgroupProduct(stop)) {
        // Overtake a product only when its result is needed later.
        Operation *otherNeededAt =
            getFirstUser(cast<DotOp>(stop).getResult(), block);
        if (!neededAt->isBeforeInBlock(otherNeededAt))
          break;
        continue;
      }
      if (stop->getNumRegions() != 0 || !isPure(stop))
        break;
    }
    if (stop)
      product->moveAfter(stop);
    else
      product->moveBefore(&block, block.begin());
  }
}

/// Makes the warpgroup products of `block` async and waits for each
/// before its result is read.
void waitLate(Block &block) {
  // The async products issued so far, in order, and the index of each.
  SmallVector<Value> issued;
  DenseMap<Value, size_t> issueIndex;
  // Products issued before this index are known to have finished.
  size_t finishedBefore = 0;
  OpBuilder b(block.getParentOp()->getContext());

  // Whether `use` is at or after `op` in the block.
  auto isAtOrAfter = [&](OpOperand &use, Operation *op) {
    Operation *user = block.findAncestorOpInBlock(*use.getOwner());
    return user && !user->isBeforeInBlock(op);
  };
  // A wait before `op` for `tiles`, whose reads from `op` on read its
  // results instead.
  auto waitBefore = [&](Operation *op, ArrayRef<Value> tiles,
                        int64_t pending) {
    b.setInsertionPoint(op);
    auto wait = DotWaitOp::create(b, op->getLoc(), tiles, pending);
    for (auto [tile, ready] : llvm::zip(tiles, wait.getResults()))
      Value(tile).replaceUsesWithIf(ready, [&](OpOperand &use) {
        return use.getOwner() != wait && isAtOrAfter(use, op);
      });
    finishedBefore = std::max<size_t>(finishedBefore, issued.size() - pending);
  };

  for (Operation &op : llvm::make_early_inc_range(block)) {
    if (isa<DotWaitOp>(op))
      continue;
    auto product = dyn_cast<DotOp>(op);
    if (product && isWarpgroupProduct(product))
      product.setAsync(true);
    else if (op.hasTrait<OpTrait::IsTerminator>() || op.getNumRegions() != 0 ||
             !isPure(&op)) {
      // Every product finished before this op: the shared tiles they read
      // may be written by it, and none runs past the block. The wait
      // returns the tiles read from here on.
      if (finishedBefore == issued.size())
        continue;
      SmallVector<Value> stillRead(
          llvm::make_filter_range(issued, [&](Value tile) {
            return llvm::any_of(tile.getUses(), [&](OpOperand &use) {
              return isAtOrAfter(use, &op);
            });
          }));
      waitBefore(&op, stillRead, /*pending=*/0);
      continue;
    }
    // The products this op reads, waited for with those issued after the
    // youngest of them left running.
    SmallVector<Value> needed;
    int64_t pending = std::numeric_limits<int64_t>::max();
    for (OpOperand &operand : op.getOpOperands()) {
      auto it = issueIndex.find(operand.get());
      if (it == issueIndex.end() || isChainedAccumulator(operand) ||
          llvm::is_contained(needed, operand.get()))
        continue;
      needed.push_back(operand.get());
      pending = std::min<int64_t>(pending, issued.size() - 1 - it->second);
    }
    if (!needed.empty())
      waitBefore(&op, needed, pending);
    if (product && product.getAsync()) {
      issueIndex[product.getResult()] = issued.size();
      issued.push_back(product.getResult());
    }
  }
}

struct ModaTileAsyncDotsPass
    : public tile::impl::ModaTileAsyncDotsBase<ModaTileAsyncDotsPass> {
  void runOnOperation() override {
    for (auto program : getOperation().getOps<func::FuncOp>()) {
      if (!program->hasAttr(kProgramAttrName))
        continue;
      SmallVector<Block *> blocks;
      program.walk([&](Block *block) {
        if (llvm::any_of(*block,
                         [](Operation &op) { return isWarpgroupProduct(&op); }))
          blocks.push_back(block);
      });
      for (Block *block : blocks) {
        issueEarly(*block);
        waitLate(*block);
      }
    }
  }
};

} // namespace
