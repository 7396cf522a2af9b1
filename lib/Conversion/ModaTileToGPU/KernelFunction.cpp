//===- KernelFunction.cpp - the gpu.func of one generated kernel ----------===//

#include "KernelFunction.h"

using namespace mlir;
using namespace mlir::moda;

gpu::GPUFuncOp mlir::moda::createKernelFunction(gpu::GPUModuleOp kernels,
                                                StringRef name,
                                                ArrayRef<Type> argumentTypes,
                                                int64_t numThreads,
                                                KernelAbiAttr abi) {
  assert(abi.getLaunch(name) && "the ABI launches the kernel");
  MLIRContext *ctx = kernels.getContext();
  OpBuilder builder = OpBuilder::atBlockEnd(kernels.getBody());
  auto type = FunctionType::get(ctx, argumentTypes, {});
  auto kernel = gpu::GPUFuncOp::create(builder, kernels.getLoc(), name, type);
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                  builder.getUnitAttr());
  kernel.setKnownBlockSizeAttr(builder.getDenseI32ArrayAttr(
      {static_cast<int32_t>(numThreads), 1, 1}));
  kernel->setAttr(kKernelAbiAttrName, abi);
  return kernel;
}
