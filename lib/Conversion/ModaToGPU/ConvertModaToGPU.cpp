//===- ConvertModaToGPU.cpp - moda.attention to GPU kernels ---------------===//

#include "GPUExecutionModel.h"
#include "KernelFunction.h"

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"
#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Conversion/Passes.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::moda {
#define GEN_PASS_DEF_CONVERTMODATOGPU
#include "moda/Conversion/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;

namespace {

struct ConvertModaToGPUPass
    : mlir::moda::impl::ConvertModaToGPUBase<ConvertModaToGPUPass> {
  void runOnOperation() override;

private:
  gpu::GPUFuncOp buildKernel(StringRef name,
                             const AttentionKernelSpec &spec,
                             KernelAbiAttr abi);
  func::FuncOp buildLauncher(const AttentionKernelSpec &spec,
                             gpu::GPUFuncOp kernel);
};

/// Each kernel gets a gpu.module of its own (`@<kernel>_module`), so that
/// each becomes a PTX file of its own.
gpu::GPUFuncOp
ConvertModaToGPUPass::buildKernel(StringRef name,
                                  const AttentionKernelSpec &spec,
                                  KernelAbiAttr abi) {
  MLIRContext *ctx = &getContext();
  ModuleOp module = getOperation();
  OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
  auto kernels = gpu::GPUModuleOp::create(moduleBuilder, module.getLoc(),
                                          (name + "_module").str());
  SymbolTable(module).insert(kernels);
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  bool tensorCores = spec.usesTensorCores();
  // The tensor-core block's tiles are dynamic shared memory.
  SmallVector<MemRefType> tileTypes;
  if (!tensorCores)
    tileTypes = getSharedTileTypes(spec, workgroup);
  Location loc = kernels.getLoc();
  gpu::GPUFuncOp kernel =
      createKernelFunction(kernels, name, getKernelArgumentTypes(spec),
                           tileTypes, spec.getNumThreads(), abi);

  ImplicitLocOpBuilder b(loc, ctx);
  b.setInsertionPointToStart(&kernel.getBody().front());
  AttentionKernelArgs args = getKernelArgs(spec, kernel.getArguments());
  if (tensorCores) {
    buildAttentionMmaBlock(b, spec, args);
  } else {
    GPUExecutionModel model(kernel, spec.getNumThreads());
    buildAttentionBlock(b, spec, args, model);
  }
  gpu::ReturnOp::create(b);
  return kernel;
}

func::FuncOp
ConvertModaToGPUPass::buildLauncher(const AttentionKernelSpec &spec,
                                    gpu::GPUFuncOp kernel) {
  ModuleOp module = getOperation();
  MLIRContext *ctx = &getContext();
  OpBuilder builder(ctx);
  builder.setInsertionPoint(kernel->getParentOp());
  assert(!spec.takesViews && "views are the tile programs' (the verifier)");
  auto type = FunctionType::get(ctx, getLauncherArgumentTypes(spec), {});
  auto launcher = func::FuncOp::create(
      builder, module.getLoc(), (kernel.getName() + "_launch").str(), type);
  SymbolTable(module).insert(launcher);
  ImplicitLocOpBuilder b(module.getLoc(), ctx);
  b.setInsertionPointToStart(launcher.addEntryBlock());
  AttentionKernelArgs args = getKernelArgs(spec, launcher.getArguments());
  AbiLaunchAttr launch = getOwnLaunch(kernel);
  SmallVector<Value, 3> grid = buildGridSize(b, launch, args.getSizes());
  Value one = arith::ConstantIndexOp::create(b, 1);
  Value threads = arith::ConstantIndexOp::create(b, launch.getThreads());
  Value sharedBytes;
  if (int64_t bytes = launch.getDynamicSharedMemory())
    sharedBytes = arith::ConstantIntOp::create(b, bytes, 32);
  gpu::LaunchFuncOp::create(b, kernel, {grid[0], grid[1], grid[2]},
                            {threads, one, one}, sharedBytes,
                            launcher.getArguments());
  func::ReturnOp::create(b);
  return launcher;
}

void ConvertModaToGPUPass::runOnOperation() {
  ModuleOp module = getOperation();
  if (failed(checkNoTileConfiguredOps(module, getArgument())))
    return signalPassFailure();
  // The backward (moda.attention_grad): ModaGradToGPU.cpp.
  if (failed(lowerAttentionGradsToGPU(module)))
    return signalPassFailure();
  bool any = false;
  module.walk([&](AttentionOp) { any = true; });
  if (!any)
    return;
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(&getContext()));
  auto build = [&](StringRef name, const AttentionKernelSpec &spec,
                   AttentionOp op) {
    return buildLauncher(spec,
                         buildKernel(name, spec, spec.describe(op, name)));
  };
  if (failed(lowerAttentions(module, KernelLowering::BlockBuilders, build)))
    signalPassFailure();
}

} // namespace
