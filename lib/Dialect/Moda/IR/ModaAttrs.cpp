//===- ModaAttrs.cpp - moda attributes ------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"

using namespace mlir;
using namespace mlir::moda;

LogicalResult
KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t blockM, int64_t blockN, int64_t blockDepth,
                         int64_t numWarps, int64_t numStages, MmaKind mma,
                         StringRef target) {
  auto requirePositive = [&](StringRef name, int64_t value) -> LogicalResult {
    if (value > 0)
      return success();
    return emitError() << "kernel config '" << name
                       << "' must be positive, got " << value;
  };
  if (failed(requirePositive("block_m", blockM)) ||
      failed(requirePositive("block_n", blockN)) ||
      failed(requirePositive("block_depth", blockDepth)) ||
      failed(requirePositive("num_stages", numStages)))
    return failure();
  if (numWarps <= 0 || numWarps > 32 || !llvm::isPowerOf2_64(numWarps))
    return emitError() << "kernel config 'num_warps' must be a power of two "
                          "in [1, 32], got "
                       << numWarps;
  if (!target.starts_with("sm_"))
    return emitError() << "kernel config 'target' must name a GPU "
                          "architecture such as \"sm_90a\", got \""
                       << target << "\"";
  return success();
}
