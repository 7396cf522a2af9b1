//===- LoopAnalysis.h - what the tile transforms ask of loops --*- C++ -*-===//
//
// Questions the moda_tile transforms (pipelining, products issued early,
// deferred value products) ask of a program's loops and products, answered
// once.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_DIALECT_MODATILE_TRANSFORMS_LOOPANALYSIS_H
#define MODA_LIB_DIALECT_MODATILE_TRANSFORMS_LOOPANALYSIS_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/Dialect/SCF/IR/SCF.h"

#include "llvm/ADT/SetVector.h"

namespace mlir::moda::tile {

/// Whether `op` is a product of the wgmma layout (one that runs on its own
/// once issued).
bool isWarpgroupProduct(Operation *op);

/// Whether `op` has no effect but reads of memory (a load, a paged cache's
/// page lookup).
bool onlyReadsMemory(Operation *op);

/// Collects into `ops` the ops of `loop`'s body that compute `value` (pure,
/// from the induction variable and values defined outside the loop only);
/// false when `value` depends on anything else of the body (its carried
/// values, an op with effects or regions).
bool collectInductionOps(Value value, scf::ForOp loop,
                         llvm::SetVector<Operation *> &ops);

} // namespace mlir::moda::tile

#endif // MODA_LIB_DIALECT_MODATILE_TRANSFORMS_LOOPANALYSIS_H
