//===- ModaGradToGPU.cpp - moda.attention_grad to GPU kernels -------------===//
//
// Part of convert-moda-to-gpu: every moda.attention_grad configured for the
// block builders becomes one
// gpu.module `<name>_module` holding its kernels (`<name>_dq`, `<name>_dkv`,
// `<name>_d_depth`, as the variant needs), so that they share one PTX file and
// one manifest, and a host launcher `<name>_launch` that allocates the f32
// scratch `delta` [B, Hq, T] on the device, launches the kernels in order on
// one stream and frees the scratch.
//
//===----------------------------------------------------------------------===//

#include "GPUExecutionModel.h"
#include "KernelFunction.h"

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::moda;

namespace {

gpu::GPUFuncOp buildGradKernel(gpu::GPUModuleOp kernels, StringRef name,
                               const AttentionKernelSpec &spec,
                               GradKernelKind kind, KernelAbiAttr abi) {
  MLIRContext *ctx = kernels.getContext();
  auto workgroup =
      gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  // The tensor-core kernels' tiles are dynamic shared memory.
  bool tensorCores = usesTensorCores(spec, kind);
  SmallVector<MemRefType> tileTypes;
  if (!tensorCores)
    tileTypes = getGradSharedTileTypes(spec, kind, workgroup);
  Location loc = kernels.getLoc();
  gpu::GPUFuncOp kernel = createKernelFunction(
      kernels, getGradKernelName(name, kind), getGradKernelArgumentTypes(spec),
      tileTypes, spec.getNumThreads(), abi);
  ImplicitLocOpBuilder b(loc, ctx);
  b.setInsertionPointToStart(&kernel.getBody().front());
  AttentionGradArgs args = getGradKernelArgs(spec, kernel.getArguments());
  if (tensorCores) {
    if (kind == GradKernelKind::DQ)
      buildAttentionMmaQueryGradBlock(b, spec, args, args);
    else
      buildAttentionMmaKeyGradBlock(b, spec, args, args);
  } else {
    GPUGradExecutionModel model(kernel, spec.getNumThreads(),
                                getGradGPULanes(spec));
    buildAttentionGradBlock(b, spec, kind, args, model);
  }
  gpu::ReturnOp::create(b);
  return kernel;
}

func::FuncOp buildGradKernelsAndLauncher(ModuleOp module, StringRef name,
                                         const AttentionKernelSpec &spec,
                                         AttentionGradOp op) {
  MLIRContext *ctx = module.getContext();
  OpBuilder moduleBuilder = OpBuilder::atBlockEnd(module.getBody());
  auto kernels = gpu::GPUModuleOp::create(moduleBuilder, module.getLoc(),
                                          (name + "_module").str());
  SymbolTable(module).insert(kernels);
  KernelAbiAttr abi =
      describeGradKernels(spec, op, /*onGPU=*/true, [&](GradKernelKind kind) {
        return getGradKernelName(name, kind);
      });
  SmallVector<gpu::GPUFuncOp> built;
  for (GradKernelKind kind : getGradKernels(spec, /*onGPU=*/true))
    built.push_back(buildGradKernel(kernels, name, spec, kind, abi));

  OpBuilder builder(ctx);
  builder.setInsertionPoint(kernels);
  auto type =
      FunctionType::get(ctx, getGradLauncherArgumentTypes(spec), {});
  auto launcher = func::FuncOp::create(builder, module.getLoc(),
                                       (name + "_launch").str(), type);
  SymbolTable(module).insert(launcher);
  ImplicitLocOpBuilder b(module.getLoc(), ctx);
  b.setInsertionPointToStart(launcher.addEntryBlock());
  // The kernels' arguments: the launcher's, with delta before the sizes.
  SmallVector<Value> arguments = buildGradKernelArguments(
      b, spec, launcher.getArguments(), [&](MemRefType type, Value size) {
        return gpu::AllocOp::create(b, type, /*asyncToken=*/Type(),
                                    ValueRange(), ValueRange{size},
                                    ValueRange())
            .getMemref();
      });
  AttentionGradArgs args = getGradKernelArgs(spec, arguments);
  Value one = arith::ConstantIndexOp::create(b, 1);
  // One stream: each kernel starts after the previous one has finished.
  for (gpu::GPUFuncOp kernel : built) {
    AbiLaunchAttr launch = getOwnLaunch(kernel);
    SmallVector<Value, 3> grid = buildGridSize(b, launch, args.getSizes());
    Value threads = arith::ConstantIndexOp::create(b, launch.getThreads());
    Value sharedBytes;
    if (int64_t bytes = launch.getDynamicSharedMemory())
      sharedBytes = arith::ConstantIntOp::create(b, bytes, 32);
    gpu::LaunchFuncOp::create(b, kernel, {grid[0], grid[1], grid[2]},
                              {threads, one, one}, sharedBytes, arguments);
  }
  gpu::DeallocOp::create(b, /*asyncToken=*/Type(), ValueRange(),
                         args.delta);
  func::ReturnOp::create(b);
  return launcher;
}

} // namespace

LogicalResult mlir::moda::lowerAttentionGradsToGPU(ModuleOp module) {
  bool any = false;
  module.walk([&](AttentionGradOp) { any = true; });
  if (!any)
    return success();
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  return lowerAttentionGrads(
      module, KernelLowering::BlockBuilders, getAttentionGradSpec,
      [&](StringRef name, const AttentionKernelSpec &spec,
          AttentionGradOp op) {
        return buildGradKernelsAndLauncher(module, name, spec, op);
      });
}
