//===- AssignLayouts.cpp - layouts and copy kinds from #moda.config -------===//
//
// The stage that turns a configuration into IR: which threads and
// instructions run each tile product, how each tile is brought in. The
// configuration is judged by the same rules the configuration pass applies
// (KernelConfigSpace.cpp), so a program this pass accepts is one a target
// lowering can build.
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/ModaTile/Transforms/Passes.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

namespace mlir::moda::tile {
#define GEN_PASS_DEF_MODATILEASSIGNLAYOUTS
#include "moda/Dialect/ModaTile/Transforms/Passes.h.inc"
} // namespace mlir::moda::tile

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// The configuration `program` was built for, or an error on `program`.
FailureOr<KernelConfigAttr> getProgramConfig(func::FuncOp program) {
  auto abi = program->getAttrOfType<KernelAbiAttr>(kKernelAbiAttrName);
  if (!abi)
    return program.emitOpError()
           << "is a tile program without a kernel configuration (its "
           << kKernelAbiAttrName << " = #moda.kernel_abi<..., config = "
           << "#moda.config<...>, ...>)";
  return abi.getConfig();
}

LogicalResult assignLayouts(func::FuncOp program) {
  FailureOr<KernelConfigAttr> config = getProgramConfig(program);
  if (failed(config))
    return failure();
  // The query tile: its rows' group size, head dimension and element type
  // are what the configuration rules judge.
  LoadOp query = getQueryRowsLoad(program);
  if (!query)
    return program.emitOpError("is a tile program that loads no query rows");
  RankedTensorType queryType = query.getResult().getType();
  if (std::optional<std::string> why = whyInvalidForwardConfig(
          *config, query.getRows().getGroup(), queryType.getDimSize(1),
          queryType.getElementType()))
    return program.emitOpError() << "cannot run its configuration "
                                 << *config << ": " << *why;

  MLIRContext *ctx = program.getContext();
  MmaKind mma = config->getMma();
  auto layout = LayoutAttr::get(ctx, mma, config->getNumWarps());
  bool tensorCores = mma != MmaKind::Fma;
  auto streamed =
      tensorCores
          ? CopyAttr::get(ctx, CopyKind::CpAsync, config->getNumStages())
          : CopyAttr::get(ctx, CopyKind::Vector, 1);
  auto once = CopyAttr::get(ctx, CopyKind::Vector, 1);
  program.walk([&](Operation *op) {
    if (auto dot = dyn_cast<DotOp>(op))
      dot.setLayoutAttr(layout);
    else if (auto load = dyn_cast<LoadOp>(op))
      load.setCopyAttr(isStreamedTile(load) ? streamed : once);
  });
  return success();
}

struct ModaTileAssignLayoutsPass
    : mlir::moda::tile::impl::ModaTileAssignLayoutsBase<
          ModaTileAssignLayoutsPass> {
  void runOnOperation() override {
    for (auto function : getOperation().getOps<func::FuncOp>())
      if (function->hasAttr(kProgramAttrName) &&
          failed(assignLayouts(function)))
        return signalPassFailure();
  }
};

} // namespace
