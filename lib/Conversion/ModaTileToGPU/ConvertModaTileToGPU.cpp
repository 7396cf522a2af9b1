//===- ConvertModaTileToGPU.cpp - tile programs as GPU kernels ------------===//
//
// Each tile program becomes a gpu.func in a gpu.module of its own (one PTX
// per kernel, as convert-moda-to-gpu makes them), its launches
// gpu.launch_func. What each thread runs depends on the layout the
// products carry, one file per layout: FmaLayoutToGPU.cpp,
// MmaSyncLayoutToGPU.cpp, WgmmaLayoutToGPU.cpp. The shared tiles live in
// the block's dynamic shared memory where the SharedTilePlan puts them, and
// the manifest asks for the plan's bytes.
//
//===----------------------------------------------------------------------===//

#include "SharedTilePlan.h"
#include "TileKernelBuilder.h"

#include "../ModaToGPU/KernelFunction.h"

#include "moda/Conversion/Passes.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::moda {
#define GEN_PASS_DEF_CONVERTMODATILETOGPU
#include "moda/Conversion/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// The one layout all products of `program` carry.
FailureOr<LayoutAttr> getProgramLayout(func::FuncOp program) {
  LayoutAttr layout;
  WalkResult walk = program.walk([&](DotOp dot) {
    if (!dot.getLayoutAttr()) {
      dot.emitOpError("has no layout; run -moda-tile-assign-layouts before "
                      "lowering tile programs to the GPU");
      return WalkResult::interrupt();
    }
    if (layout && dot.getLayoutAttr() != layout) {
      dot.emitOpError() << "has layout " << dot.getLayoutAttr()
                        << " but another product of the program has "
                        << layout;
      return WalkResult::interrupt();
    }
    layout = dot.getLayoutAttr();
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  if (!layout)
    return program.emitOpError("is a tile program without products");
  return layout;
}

/// What each thread runs of `program`, by the layout of its products.
LogicalResult buildLayoutKernel(MmaKind kind, func::FuncOp program,
                                gpu::GPUFuncOp kernel,
                                const SharedTilePlan &plan,
                                int64_t numThreads) {
  switch (kind) {
  case MmaKind::Fma:
    return buildFmaLayoutKernel(program, kernel, plan, numThreads);
  case MmaKind::MmaSync:
    return buildMmaSyncLayoutKernel(program, kernel, plan, numThreads);
  case MmaKind::Wgmma:
    return buildWgmmaLayoutKernel(program, kernel, plan, numThreads);
  }
  llvm_unreachable("unknown layout kind");
}

struct ConvertModaTileToGPUPass
    : mlir::moda::impl::ConvertModaTileToGPUBase<ConvertModaTileToGPUPass> {
  void runOnOperation() override;

private:
  FailureOr<gpu::GPUFuncOp> buildKernel(func::FuncOp program);
};

FailureOr<gpu::GPUFuncOp>
ConvertModaTileToGPUPass::buildKernel(func::FuncOp program) {
  FailureOr<LayoutAttr> layout = getProgramLayout(program);
  if (failed(layout))
    return failure();
  MmaKind kind = layout->getKind();

  MLIRContext *ctx = &getContext();
  ModuleOp module = getOperation();
  OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
  auto kernels = gpu::GPUModuleOp::create(
      moduleBuilder, program.getLoc(), (program.getName() + "_module").str());
  SymbolTable(module).insert(kernels);
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  // Tensor-core products read shared tiles eight rows' 16-byte chunks at
  // once (ldmatrix, wgmma): swizzled, they fall in distinct banks. wgmma's
  // descriptors address the swizzle by shared address, whose period is
  // 1024 bytes.
  bool tensorCores = kind != MmaKind::Fma;
  FailureOr<SharedTilePlan> plan = SharedTilePlan::plan(
      program, workgroup, /*swizzle=*/tensorCores,
      /*alignment=*/kind == MmaKind::Wgmma ? kWarpgroupTileAlignment : 16);
  if (failed(plan))
    return failure();
  auto abi = program->getAttrOfType<KernelAbiAttr>(kKernelAbiAttrName);
  if (!abi || !abi.getLaunch(program.getName()))
    return program.emitOpError() << "has no " << kKernelAbiAttrName
                                 << " launching it, for its manifest";
  StringRef target = abi.getConfig().getTarget();
  int64_t limit = getMaxDynamicSharedMemoryBytes(target);
  if (plan->getBytes() > limit)
    return program.emitOpError()
           << "needs " << plan->getBytes() << " bytes of shared tiles, more "
           << "than the " << limit << " a block may opt in to on " << target;
  int64_t numThreads = layout->getNumWarps() * 32;
  // The manifest's shared memory is the plan's, whatever the block
  // builders' formula for the configuration says.
  gpu::GPUFuncOp kernel = createKernelFunction(
      kernels, program.getName(), program.getFunctionType().getInputs(),
      /*tileTypes=*/{}, numThreads,
      abi.withDynamicSharedMemory(program.getName(), plan->getBytes()));
  if (failed(buildLayoutKernel(kind, program, kernel, *plan, numThreads)))
    return failure();
  return kernel;
}

void ConvertModaTileToGPUPass::runOnOperation() {
  ModuleOp module = getOperation();
  SmallVector<func::FuncOp> programs;
  for (auto function : module.getOps<func::FuncOp>())
    if (function->hasAttr(kProgramAttrName))
      programs.push_back(function);
  if (programs.empty())
    return;
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(&getContext()));

  llvm::StringMap<gpu::GPUFuncOp> kernels;
  for (func::FuncOp program : programs) {
    FailureOr<gpu::GPUFuncOp> kernel = buildKernel(program);
    if (failed(kernel))
      return signalPassFailure();
    kernels[program.getName()] = *kernel;
  }
  SmallVector<LaunchOp> launches;
  module.walk([&](LaunchOp launch) { launches.push_back(launch); });
  for (LaunchOp launch : launches) {
    gpu::GPUFuncOp kernel = kernels.lookup(launch.getProgram());
    OpBuilder b(launch);
    Value one = arith::ConstantIndexOp::create(b, launch.getLoc(), 1);
    auto blockSize = kernel.getKnownBlockSizeAttr().asArrayRef();
    Value threads =
        arith::ConstantIndexOp::create(b, launch.getLoc(), blockSize[0]);
    AbiLaunchAttr abiLaunch =
        kernel->getAttrOfType<KernelAbiAttr>(kKernelAbiAttrName)
            .getLaunch(kernel.getName());
    Value sharedBytes = arith::ConstantIntOp::create(
        b, launch.getLoc(), b.getI32Type(),
        abiLaunch.getDynamicSharedMemory());
    gpu::LaunchFuncOp::create(
        b, launch.getLoc(), kernel,
        {launch.getGridX(), launch.getGridY(), launch.getGridZ()},
        {threads, one, one}, sharedBytes, launch.getArguments());
    launch.erase();
  }
  for (func::FuncOp program : programs)
    program.erase();
}

} // namespace
