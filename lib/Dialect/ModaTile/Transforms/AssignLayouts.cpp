//===- AssignLayouts.cpp - layouts and copy kinds from #moda.config -------===//
//
// The stage that turns a configuration into IR: which threads and
// instructions run each tile product, how each tile is brought in, and
// where a warpgroup product reads its left operand. The configuration is
// judged by the same rules the configuration pass applies
// (KernelConfigSpace.cpp), so a program this pass accepts is one a target
// lowering can build.
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/ModaTile/Transforms/Passes.h"

#include "moda/Dialect/ModaTile/Analysis/ProgramLayout.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/SetVector.h"

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

/// 32-bit registers per thread that a tile of `type` takes spread over
/// `threads` threads.
int64_t getRegistersPerThread(Type type, int64_t threads) {
  auto tile = dyn_cast<RankedTensorType>(type);
  if (!tile)
    return 0;
  return llvm::divideCeil(tile.getNumElements() *
                              tile.getElementTypeBitWidth(),
                          32 * threads);
}

/// The loaded tiles that warpgroup products read as their left operand
/// from shared memory rather than from registers: those a loop holds from
/// outside (a key-side program's keys and values, a query tile) when the
/// loop's live registers per thread would pass the budget of the
/// configuration rules (kMaxLiveRegistersWgmma) with them in registers.
/// The live registers are the loop's carried tiles (accumulators, row
/// state), the products of one step (those not accumulating into a carried
/// tile) and the held operands. A tile some other op reads stays in
/// registers: only the products can read it from shared memory.
llvm::SetVector<LoadOp> getSharedLeftOperands(func::FuncOp program,
                                              int64_t threads) {
  llvm::SetVector<LoadOp> shared;
  program.walk([&](scf::ForOp loop) {
    Block *body = loop.getBody();
    int64_t live = 0;
    for (Value carried : loop.getRegionIterArgs())
      live += getRegistersPerThread(carried.getType(), threads);
    llvm::SetVector<LoadOp> held;
    // The products of a step, those inside a moda_tile.if_seen included.
    SmallVector<DotOp> products;
    body->walk([&](DotOp dot) { products.push_back(dot); });
    for (DotOp dot : products) {
      if (auto acc = dyn_cast<BlockArgument>(dot.getAcc());
          !acc || acc.getOwner() != body)
        live += getRegistersPerThread(dot.getType(), threads);
      auto load = dot.getLhs().getDefiningOp<LoadOp>();
      if (load && !loop->isAncestor(load) &&
          llvm::all_of(load->getUsers(),
                       [](Operation *user) { return isa<DotOp>(user); }))
        held.insert(load);
    }
    for (LoadOp load : held)
      live += getRegistersPerThread(load.getType(), threads);
    if (live > kMaxLiveRegistersWgmma)
      shared.insert(held.begin(), held.end());
  });
  return shared;
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
  MLIRContext *ctx = program.getContext();
  MmaKind mma = config->getMma();
  auto layout = LayoutAttr::get(ctx, mma, config->getNumWarps());
  // A program without products (split-KV's merge, on f32 partial results)
  // runs its rows as the operator's products distribute them; the rules on
  // products do not apply to it.
  bool hasProducts = false;
  program.walk([&](DotOp) { hasProducts = true; });
  RankedTensorType queryType = query.getResult().getType();
  if (!hasProducts)
    program->setAttr(kProgramLayoutAttrName, layout);
  else if (std::optional<std::string> why = whyInvalidForwardConfig(
               *config, query.getRows().getGroup(), queryType.getDimSize(1),
               queryType.getElementType()))
    return program.emitOpError() << "cannot run its configuration "
                                 << *config << ": " << *why;

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
      load.setCopyAttr(isStreamedTile(load) || isColumnStatistics(load)
                           ? streamed
                           : once);
  });
  if (mma == MmaKind::Wgmma)
    for (LoadOp load :
         getSharedLeftOperands(program, 32 * config->getNumWarps()))
      for (Operation *user : load->getUsers())
        if (auto dot = cast<DotOp>(user); dot.getLhs() == load.getResult())
          dot.setLhsFromShared(true);
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
