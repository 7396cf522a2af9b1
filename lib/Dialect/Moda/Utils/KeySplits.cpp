//===- KeySplits.cpp - split-KV for decoding ------------------------------===//

#include "moda/Dialect/Moda/Utils/KeySplits.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moda;

int64_t mlir::moda::getKeySplitsHeuristic(AttentionOp op,
                                          KernelConfigAttr config) {
  if (!op.getK() || op.isPacked())
    return 1;
  auto qType = op.getQ().getType();
  int64_t batch = qType.getDimSize(0), queries = qType.getDimSize(1);
  int64_t keys = cast<RankedTensorType>(op.getK().getType()).getDimSize(1);
  if (ShapedType::isDynamic(batch) || ShapedType::isDynamic(queries) ||
      ShapedType::isDynamic(keys) || batch == 0 || queries == 0)
    return 1;
  int64_t blocks =
      batch * op.getNumKVHeads() *
      llvm::divideCeil(queries * op.getGroupSize(), config.getBlockM());
  if (blocks >= kSm90Multiprocessors)
    return 1;
  // A share streams at least four key tiles: fewer leave the split's fixed
  // costs (the query tile, the partial result's store) uncovered.
  constexpr int64_t kLeastTilesPerShare = 4, kMostSplits = 128;
  int64_t keyTiles = llvm::divideCeil(keys, config.getBlockN());
  int64_t fill = llvm::divideCeil(2 * kSm90Multiprocessors, blocks);
  int64_t splits =
      std::min({fill, keyTiles / kLeastTilesPerShare, kMostSplits});
  return std::max<int64_t>(splits, 1);
}

KernelConfigAttr mlir::moda::withKeySplits(KernelConfigAttr config,
                                           int64_t splits) {
  return KernelConfigAttr::get(config.getContext(), config.getBlockM(),
                               config.getBlockN(), config.getBlockDepth(),
                               config.getNumWarps(), config.getNumStages(),
                               config.getMma(), config.getTarget(), splits);
}
