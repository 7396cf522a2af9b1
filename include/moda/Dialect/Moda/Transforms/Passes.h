//===- Passes.h - moda dialect passes ---------------------------*- C++ -*-===//

#ifndef MODA_DIALECT_MODA_TRANSFORMS_PASSES_H
#define MODA_DIALECT_MODA_TRANSFORMS_PASSES_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "mlir/Pass/Pass.h"

namespace mlir::moda {

#define GEN_PASS_DECL
#include "moda/Dialect/Moda/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "moda/Dialect/Moda/Transforms/Passes.h.inc"

} // namespace mlir::moda

#endif // MODA_DIALECT_MODA_TRANSFORMS_PASSES_H
