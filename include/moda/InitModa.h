//===- InitModa.h - register everything moda's tools use --------*- C++ -*-===//
//
// moda's tools (moda-opt, moda-compile, moda-cpu-check) see the same world:
// every upstream dialect, extension, LLVM IR translation and pass, plus
// moda's dialect, passes and pipelines.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_INITMODA_H
#define MODA_INITMODA_H

#include "mlir/IR/DialectRegistry.h"

namespace mlir::moda {

/// Dialects, extensions and LLVM IR translations.
void registerAllModaDialects(DialectRegistry &registry);

/// Upstream and moda passes and pipelines (global registration, for
/// textual pipelines and command lines).
void registerAllModaPasses();

} // namespace mlir::moda

#endif // MODA_INITMODA_H
