//===- LoopAnalysis.cpp - what the tile transforms ask of loops ----------===//

#include "LoopAnalysis.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;
using namespace mlir::moda::tile;

bool mlir::moda::tile::isWarpgroupProduct(Operation *op) {
  auto dot = dyn_cast_or_null<DotOp>(op);
  return dot && dot.getLayoutAttr() &&
         dot.getLayoutAttr().getKind() == MmaKind::Wgmma;
}

/// Whether `op` only reads memory and nothing in `loop` writes any: it
/// then gives the same results at any point of an iteration (a paged
/// cache's page lookup, whose block table no program writes), and may
/// be computed ahead with the copies it addresses.
bool mlir::moda::tile::onlyReadsMemory(Operation *op) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  return effects && effects.onlyHasEffect<MemoryEffects::Read>();
}

static bool readsMemoryTheLoopDoesNotWrite(Operation *op, scf::ForOp loop) {
  if (!onlyReadsMemory(op) || !isSpeculatable(op))
    return false;
  return !loop.getBody()
              ->walk([](Operation *inner) {
                auto effects = dyn_cast<MemoryEffectOpInterface>(inner);
                bool writes = effects
                                  ? effects.hasEffect<MemoryEffects::Write>()
                                  : !isMemoryEffectFree(inner) &&
                                        inner->getNumRegions() == 0;
                return writes ? WalkResult::interrupt()
                              : WalkResult::advance();
              })
              .wasInterrupted();
}

bool mlir::moda::tile::collectInductionOps(Value value, scf::ForOp loop,
                                           llvm::SetVector<Operation *> &ops) {
  if (value == loop.getInductionVar())
    return true;
  if (auto argument = dyn_cast<BlockArgument>(value))
    return argument.getOwner()->getParentOp() != loop;
  Operation *op = value.getDefiningOp();
  if (!loop->isProperAncestor(op) || ops.contains(op))
    return true;
  if (op->getNumRegions() != 0 ||
      !(isPure(op) || readsMemoryTheLoopDoesNotWrite(op, loop)))
    return false;
  for (Value operand : op->getOperands())
    if (!collectInductionOps(operand, loop, ops))
      return false;
  ops.insert(op);
  return true;
}
