//===- HostEngine.h - a module compiled for the host, ready to call -*- C++ -*-===//
//
// What every check of the CPU path does before it calls into a module: run
// the host pipeline (moda-to-host-llvm) and hand the result to MLIR's ExecutionEngine,
// with the runtime libraries bufferized copies and half-precision
// conversions need.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TOOLS_MODA_CPU_CHECK_HOSTENGINE_H
#define MODA_TOOLS_MODA_CPU_CHECK_HOSTENGINE_H

#include "moda/Pipelines/Pipelines.h"

#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/IR/BuiltinOps.h"

#include <memory>
#include <string>

namespace moda::cpucheck {

/// Lowers `module` (in place) with the host pipeline and creates
/// its engine; null with `error` set when either fails.
std::unique_ptr<mlir::ExecutionEngine>
compileForHost(mlir::MLIRContext &context, mlir::ModuleOp module, std::string &error);

} // namespace moda::cpucheck

#endif // MODA_TOOLS_MODA_CPU_CHECK_HOSTENGINE_H
