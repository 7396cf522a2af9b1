//===- GraphCase.h - a whole model graph on the host ------------*- C++ -*-===//
//
// A model graph (one function of moda.attention and moda.stream ops, static
// shapes) compiled whole by a host pipeline, its depth streams included,
// run on random inputs by MLIR's ExecutionEngine, and judged against a
// float64 interpretation of the same graph: each op computed in float64
// from the values its operands hold, its results rounded to their element
// types, as the graph's types say.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TOOLS_MODA_CPU_CHECK_GRAPHCASE_H
#define MODA_TOOLS_MODA_CPU_CHECK_GRAPHCASE_H

#include "AttentionCase.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>
#include <vector>

namespace moda::cpucheck {

/// One result of the graph against the interpretation.
struct GraphResultError {
  unsigned index;
  std::string kind; // "out" (relative error) or "lse"
  double error;
};

struct GraphResult {
  std::string function;
  std::string error; // why it could not be checked, compiled or run
  std::vector<GraphResultError> results;
  double tolerance = 0;
  bool passed() const;
};

/// Checks `module`'s one public function with a body as a whole graph,
/// compiled for the host, on inputs drawn from `seed`.
GraphResult runGraphOnHost(mlir::MLIRContext &context, mlir::ModuleOp module,
                           uint64_t seed);

} // namespace moda::cpucheck

#endif // MODA_TOOLS_MODA_CPU_CHECK_GRAPHCASE_H
