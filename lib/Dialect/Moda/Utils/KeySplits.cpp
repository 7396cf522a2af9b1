//===- KeySplits.cpp - the configuration of a decoding forward ------------===//

#include "moda/Dialect/Moda/Utils/KeySplits.h"

#include "llvm/Support/MathExtras.h"

#include <algorithm>

using namespace mlir;
using namespace mlir::moda;

namespace {
constexpr int64_t kDecodeBlockRows = 64, kDecodeTileRows = 64,
                  kDecodeWarps = 4, kDecodeStages = 3;
} // namespace

/// Split-KV's shares for the decoding forward `op` with 64-key tiles (1:
/// no split): when B is static and its B * Hk blocks fill at most half of
/// the multiprocessors, one wave of blocks.
static int64_t getDecodeSplits(AttentionOp op) {
  int64_t batch = op.getQ().getType().getDimSize(0);
  int64_t keys = op.getNumSequenceKeys();
  if (ShapedType::isDynamic(batch) || batch == 0)
    return 1;
  int64_t blocks = batch * op.getNumKVHeads();
  if (2 * blocks > kSm90Multiprocessors)
    return 1;
  constexpr int64_t kLeastTilesPerShare = 4, kMostSplits = 128;
  int64_t splits = std::min(kSm90Multiprocessors / blocks, kMostSplits);
  // A share streams at least four key tiles: fewer leave the split's fixed
  // costs (the query tile, the partial result's store) uncovered. A cache
  // whose length is known only at launch (a KV cache that grows by a token
  // a step) is split for the multiprocessors: while it is short, the shares
  // past its last tile cost their blocks an early exit and the merge one
  // empty partial each.
  if (!ShapedType::isDynamic(keys)) {
    int64_t keyTiles = llvm::divideCeil(keys, kDecodeTileRows);
    splits = std::min(splits, keyTiles / kLeastTilesPerShare);
  }
  return std::max<int64_t>(splits, 1);
}

KernelConfigAttr mlir::moda::getDecodeConfig(AttentionOp op,
                                             KernelConfigAttr heuristic,
                                             FitsSharedMemory fits) {
  if (!op.getK() || op.isPacked() || heuristic.getMma() == MmaKind::Fma)
    return heuristic;
  auto qType = op.getQ().getType();
  int64_t queries = qType.getDimSize(1);
  if (ShapedType::isDynamic(queries) || queries == 0 ||
      queries * op.getGroupSize() > kDecodeBlockRows)
    return heuristic;
  auto decode = KernelConfigAttr::get(
      op.getContext(), kDecodeBlockRows, kDecodeTileRows, kDecodeTileRows,
      kDecodeWarps, kDecodeStages, heuristic.getMma(), heuristic.getTarget(),
      getDecodeSplits(op));
  if (whyInvalidForwardConfig(decode, op.getGroupSize(), op.getHeadDim(),
                              qType.getElementType()) ||
      !fits(decode))
    return heuristic;
  return decode;
}
