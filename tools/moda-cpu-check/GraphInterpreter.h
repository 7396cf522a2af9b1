//===- GraphInterpreter.h - a model graph computed in float64 ---*- C++ -*-===//
//
// The reference a whole graph is judged against: the graph's function
// interpreted op by op in float64, each op's result computed exactly from
// the values its operands hold and rounded to its element type where the
// graph's types say a value is stored in it (a tensor result, a truncf).
// Interprets moda.attention (through the float64 reference operator), the
// moda.stream ops, scf.for with constant bounds, linalg ops (named or
// generic) whose indexing maps pick loop dimensions or constants, with
// arith/math bodies, and tensor.empty, expand/collapse_shape and static
// extract_slice; any other op is an error naming it.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TOOLS_MODA_CPU_CHECK_GRAPHINTERPRETER_H
#define MODA_TOOLS_MODA_CPU_CHECK_GRAPHINTERPRETER_H

#include "AttentionCase.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <deque>
#include <optional>
#include <string>
#include <vector>

namespace moda::cpucheck {

std::optional<ElementType> elementTypeOf(mlir::Type type);

/// A tensor of the interpretation: its element type and the exact values it
/// holds, row-major.
struct Tensor64 {
  ElementType type;
  std::vector<int64_t> shape;
  std::vector<double> values;
};

/// The float64 results of `function` (one block, static shapes) on
/// `inputs`, or std::nullopt with `error` naming the op it could not
/// interpret.
std::optional<std::vector<Tensor64>>
interpretGraph(mlir::func::FuncOp function, const std::vector<Tensor64> &inputs,
               std::string &error);

} // namespace moda::cpucheck

#endif // MODA_TOOLS_MODA_CPU_CHECK_GRAPHINTERPRETER_H
