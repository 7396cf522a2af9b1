//===- ModaAttrs.cpp - moda attributes ------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"

using namespace mlir;
using namespace mlir::moda;

LogicalResult
KernelConfigAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                         int64_t blockM, int64_t blockN, int64_t blockDepth,
                         int64_t numWarps, int64_t numStages, MmaKind mma,
                         StringRef target) {
  // Upper bounds far above any tile a block can hold (a block has at most
  // 1024 threads and 227 KiB of shared memory), so that sizes and grids
  // derived from them stay small integers.
  auto requireInRange = [&](StringRef name, int64_t value,
                            int64_t most) -> LogicalResult {
    if (value <= 0)
      return emitError() << "kernel config '" << name
                         << "' must be positive, got " << value;
    if (value > most)
      return emitError() << "kernel config '" << name << "' must be at most "
                         << most << ", got " << value;
    return success();
  };
  constexpr int64_t kMostTileRows = 4096, kMostStages = 8;
  if (failed(requireInRange("block_m", blockM, kMostTileRows)) ||
      failed(requireInRange("block_n", blockN, kMostTileRows)) ||
      failed(requireInRange("block_depth", blockDepth, kMostTileRows)) ||
      failed(requireInRange("num_stages", numStages, kMostStages)))
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
