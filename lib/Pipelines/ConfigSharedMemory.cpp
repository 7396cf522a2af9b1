//===- ConfigSharedMemory.cpp - the shared memory of a configuration ------===//

#include "moda/Pipelines/ConfigSharedMemory.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/ModaTile/Analysis/ProgramLayout.h"
#include "moda/Dialect/ModaTile/Analysis/SharedTilePlan.h"
#include "moda/Pipelines/Pipelines.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Pass/PassManager.h"

#include <thread>

using namespace mlir;
using namespace mlir::moda;

FailureOr<int64_t> mlir::moda::measureConfigSharedMemory(
    Operation *op, KernelConfigAttr config) {
  MLIRContext *context = op->getContext();
  // The scratch copy's failures (a configuration that breaks a rule) are
  // answers, not the user's errors. Only this thread's: the pass may run on
  // sibling operations in parallel, whose diagnostics pass on.
  std::thread::id measuring = std::this_thread::get_id();
  ScopedDiagnosticHandler quiet(context, [measuring](Diagnostic &) {
    return success(std::this_thread::get_id() == measuring);
  });
  Location loc = op->getLoc();
  OwningOpRef<ModuleOp> scratch = ModuleOp::create(loc);
  OpBuilder builder = OpBuilder::atBlockEnd(scratch->getBody());
  auto probe = func::FuncOp::create(
      builder, loc, "moda_config_probe",
      builder.getFunctionType(op->getOperandTypes(), {}));
  Block *entry = probe.addEntryBlock();
  builder.setInsertionPointToStart(entry);
  IRMapping operands;
  operands.map(op->getOperands(), entry->getArguments());
  Operation *copy = builder.clone(*op, operands);
  if (auto attention = dyn_cast<AttentionOp>(copy))
    attention.setConfigAttr(config);
  else if (auto grad = dyn_cast<AttentionGradOp>(copy))
    grad.setConfigAttr(config);
  else
    return failure();
  func::ReturnOp::create(builder, loc);

  PassManager pm(context, ModuleOp::getOperationName());
  buildTileProgramPipeline(pm);
  if (failed(pm.run(*scratch)))
    return failure();
  int64_t bytes = 0;
  for (auto program : scratch->getOps<func::FuncOp>()) {
    if (!program->hasAttr(tile::kProgramAttrName))
      continue;
    FailureOr<tile::LayoutAttr> layout = tile::getProgramLayout(program);
    if (failed(layout))
      return failure();
    FailureOr<SharedTilePlan> plan = SharedTilePlan::planFor(
        program, layout->getKind(), /*memorySpace=*/Attribute());
    if (failed(plan))
      return failure();
    bytes = std::max(bytes, plan->getBytes());
  }
  return bytes;
}

bool mlir::moda::fitsSharedMemory(Operation *op, KernelConfigAttr config) {
  FailureOr<int64_t> bytes = measureConfigSharedMemory(op, config);
  return succeeded(bytes) &&
         *bytes <= getMaxDynamicSharedMemoryBytes(config.getTarget());
}
