//===- FmaLayoutToGPU.h - tile programs on CUDA cores -----------*- C++ -*-===//

#ifndef MODA_LIB_CONVERSION_MODATILETOGPU_FMALAYOUTTOGPU_H
#define MODA_LIB_CONVERSION_MODATILETOGPU_FMALAYOUTTOGPU_H

#include "SharedTilePlan.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::moda {

/// Emits into `kernel` (whose arguments are the program's and whose
/// workgroup attributions are `plan`'s buffers) what each of its
/// `numThreads` threads runs of `program`, every product of which has the
/// fma layout: each thread owns the block's rows thread, thread +
/// numThreads, ... as vectors in registers; key, value and depth tiles are
/// copied into shared memory between barriers (VectorCopy.cpp) and read
/// from there row by row. Fails, with a diagnostic, on IR outside that
/// shape.
LogicalResult buildFmaLayoutKernel(func::FuncOp program,
                                   gpu::GPUFuncOp kernel,
                                   const SharedTilePlan &plan,
                                   int64_t numThreads);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_FMALAYOUTTOGPU_H
