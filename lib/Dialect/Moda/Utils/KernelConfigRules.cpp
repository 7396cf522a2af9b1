//===- KernelConfigRules.cpp - which kernel configurations are valid ------===//

#include "moda/Dialect/Moda/Utils/KernelConfigRules.h"

using namespace mlir;
using namespace mlir::moda;

int64_t mlir::moda::getVectorWidth(Type elementType) {
  return 16 / (elementType.getIntOrFloatBitWidth() / 8);
}

int64_t mlir::moda::getForwardSharedMemoryBytes(KernelConfigAttr config,
                                                int64_t headDim,
                                                Type elementType) {
  int64_t elementBytes = elementType.getIntOrFloatBitWidth() / 8;
  int64_t tileRows = config.getBlockN() + config.getBlockDepth();
  return 2 * tileRows * headDim * elementBytes;
}

LogicalResult mlir::moda::checkForwardKernelConfig(
    KernelConfigAttr config, int64_t groupSize, int64_t headDim,
    Type elementType, function_ref<InFlightDiagnostic()> emitError) {
  // Only the SIMT path exists so far: tensor-core MMA and multi-stage
  // pipelining are configurations the lowering cannot honour yet, and a
  // configuration must describe the kernel that is generated.
  if (config.getMma() != MmaKind::Fma)
    return emitError() << "config mma = " << stringifyMmaKind(config.getMma())
                       << " is not implemented by the forward lowering yet "
                          "(supported: fma)";
  if (config.getNumStages() != 1)
    return emitError() << "config num_stages = " << config.getNumStages()
                       << " is not implemented by the forward lowering yet "
                          "(supported: 1)";
  if (config.getBlockM() % groupSize != 0)
    return emitError() << "config block_m = " << config.getBlockM()
                       << " must be a multiple of the group size G = "
                       << groupSize;
  int64_t width = getVectorWidth(elementType);
  if (headDim % width != 0)
    return emitError() << "head dim D = " << headDim
                       << " must be a multiple of " << width
                       << " for 16-byte loads of " << elementType;
  int64_t shared = getForwardSharedMemoryBytes(config, headDim, elementType);
  if (shared > kMaxStaticSharedMemoryBytes)
    return emitError() << "config needs " << shared
                       << " bytes of shared memory (2 x (block_n + "
                          "block_depth) x D x element size), more than the "
                       << kMaxStaticSharedMemoryBytes << " a block may declare";
  return success();
}
