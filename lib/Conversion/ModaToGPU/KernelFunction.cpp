//===- KernelFunction.cpp - the gpu.func of one generated kernel ----------===//

#include "KernelFunction.h"

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"

using namespace mlir;
using namespace mlir::moda;

gpu::GPUFuncOp mlir::moda::createKernelFunction(
    gpu::GPUModuleOp kernels, StringRef name, ArrayRef<Type> argumentTypes,
    ArrayRef<MemRefType> tileTypes, int64_t numThreads,
    KernelAbiAttr abi) {
  assert(abi.getLaunch(name) && "the ABI launches the kernel");
  MLIRContext *ctx = kernels.getContext();
  OpBuilder builder = OpBuilder::atBlockEnd(kernels.getBody());
  auto type = FunctionType::get(ctx, argumentTypes, {});
  SmallVector<Type> tiles(tileTypes.begin(), tileTypes.end());
  auto kernel =
      gpu::GPUFuncOp::create(builder, kernels.getLoc(), name, type, tiles);
  kernel->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                  builder.getUnitAttr());
  kernel.setKnownBlockSizeAttr(builder.getDenseI32ArrayAttr(
      {static_cast<int32_t>(numThreads), 1, 1}));
  kernel->setAttr(kKernelAbiAttrName, abi);
  // Tiles are read and written with 16-byte vector accesses.
  for (unsigned i = 0, e = kernel.getNumWorkgroupAttributions(); i < e; ++i)
    kernel.setWorkgroupAttributionAttr(i, "llvm.align",
                                       builder.getI64IntegerAttr(16));
  return kernel;
}
