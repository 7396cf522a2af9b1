//===- KernelFunction.h - the gpu.func of one generated kernel --*- C++ -*-===//
//
// What every kernel of the GPU lowering (forward and backward) declares the
// same way: a gpu.func marked as a kernel, its block size and its
// operator's `moda.kernel_abi` (read by moda-compile for the manifest). Its
// tiles are dynamic shared memory (the SharedTilePlan's), not workgroup
// attributions.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_CONVERSION_MODATILETOGPU_KERNELFUNCTION_H
#define MODA_CONVERSION_MODATILETOGPU_KERNELFUNCTION_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::moda {

/// Creates kernel `name` at the end of `kernels`, with `argumentTypes`,
/// `numThreads` threads per block and the ABI `abi` (which has a launch of
/// `name`).
gpu::GPUFuncOp createKernelFunction(gpu::GPUModuleOp kernels, StringRef name,
                                    ArrayRef<Type> argumentTypes,
                                    int64_t numThreads, KernelAbiAttr abi);

} // namespace mlir::moda

#endif // MODA_CONVERSION_MODATILETOGPU_KERNELFUNCTION_H
