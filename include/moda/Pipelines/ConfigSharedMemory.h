//===- ConfigSharedMemory.h - the shared memory of a configuration -*- C++ -*-===//
//
// What a configuration's kernels ask of shared memory is decided once, by
// the tile programs' shared-tile plan (SharedTilePlan), which the GPU
// lowering lays its tiles out by and the manifest reports. The
// configuration pass and the tuner's space ask the same plan: they build
// and stage the operator's tile programs (buildTileProgramPipeline) on a
// scratch copy of it, with the configuration, and plan them.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_PIPELINES_CONFIGSHAREDMEMORY_H
#define MODA_PIPELINES_CONFIGSHAREDMEMORY_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

namespace mlir::moda {

/// The dynamic shared memory the GPU kernels of `op` (a moda.attention or
/// moda.attention_grad) ask for with `config`: the largest plan among its
/// tile programs. Fails, without a diagnostic, where the programs cannot be
/// built (the configuration breaks another rule, which the lowering
/// reports).
FailureOr<int64_t> measureConfigSharedMemory(Operation *op,
                                             KernelConfigAttr config);

/// Whether the kernels of `op` with `config` are built and fit the dynamic
/// shared memory a block may opt in to on the configuration's target.
bool fitsSharedMemory(Operation *op, KernelConfigAttr config);

} // namespace mlir::moda

#endif // MODA_PIPELINES_CONFIGSHAREDMEMORY_H
