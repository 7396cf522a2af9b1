//===- Passes.h - moda_tile passes ------------------------------*- C++ -*-===//

#ifndef MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_H
#define MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::moda::tile {

#define GEN_PASS_DECL
#include "moda/Dialect/ModaTile/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "moda/Dialect/ModaTile/Transforms/Passes.h.inc"

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_H
