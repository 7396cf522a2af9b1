//===- KernelConfigRules.h - which kernel configurations are valid -*- C++ -*-//
//
// The one place that says whether a #moda.config can be compiled for an
// operator: the heuristics, the lowering and (later) the tuner all ask here.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_UTILS_KERNELCONFIGRULES_H
#define MODA_DIALECT_MODA_UTILS_KERNELCONFIGRULES_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

namespace mlir::moda {

/// Static shared memory one thread block may declare (all NVIDIA targets).
inline constexpr int64_t kMaxStaticSharedMemoryBytes = 48 * 1024;

/// Global loads are 16 bytes wide: this many elements of `elementType`.
int64_t getVectorWidth(Type elementType);

/// Shared memory of the tiled forward kernel: one key and one value tile of
/// `block_n` sequence entries and of `block_depth` depth entries.
int64_t getForwardSharedMemoryBytes(KernelConfigAttr config, int64_t headDim,
                                    Type elementType);

/// Checks that `config` can be compiled for an attention with group size
/// `groupSize`, head dimension `headDim` and `elementType`; reports the first
/// broken rule through `emitError`.
LogicalResult
checkForwardKernelConfig(KernelConfigAttr config, int64_t groupSize,
                         int64_t headDim, Type elementType,
                         function_ref<InFlightDiagnostic()> emitError);

} // namespace mlir::moda

#endif // MODA_DIALECT_MODA_UTILS_KERNELCONFIGRULES_H
