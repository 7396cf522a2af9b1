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

bool mlir::moda::tile::collectInductionOps(Value value, scf::ForOp loop,
                                           llvm::SetVector<Operation *> &ops) {
  if (value == loop.getInductionVar())
    return true;
  if (auto argument = dyn_cast<BlockArgument>(value))
    return argument.getOwner()->getParentOp() != loop;
  Operation *op = value.getDefiningOp();
  if (!loop->isProperAncestor(op) || ops.contains(op))
    return true;
  if (op->getNumRegions() != 0 || !isPure(op))
    return false;
  for (Value operand : op->getOperands())
    if (!collectInductionOps(operand, loop, ops))
      return false;
  ops.insert(op);
  return true;
}
