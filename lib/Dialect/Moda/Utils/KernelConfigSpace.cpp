//===- KernelConfigSpace.cpp - the configurations of a kernel -------------===//

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "llvm/Support/MathExtras.h"

#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <tuple>

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
  if (config.getMma() == MmaKind::MmaSync)
    tileRows = config.getBlockM() +
               2 * config.getNumStages() * config.getBlockN();
  else
    tileRows *= 2;
  return tileRows * headDim * elementBytes;
}

/// The compute capability of a target such as "sm_90a" (90), or 0 when the
/// target does not name one.
static int64_t computeCapabilityOf(StringRef target) {
  int64_t capability = 0;
  if (!target.consume_front("sm_") ||
      target.take_while(llvm::isDigit).getAsInteger(10, capability))
    return 0;
  return capability;
}

/// The rules of the tensor-core formulation (AttentionMmaBlock.cpp).
static std::optional<std::string>
whyInvalidMmaSyncConfig(KernelConfigAttr config, int64_t headDim,
                        Type elementType) {
  std::string reason;
  llvm::raw_string_ostream os(reason);
  if (!elementType.isBF16() && !elementType.isF16()) {
    os << "config mma = mma_sync needs bf16 or f16 operands, not '"
       << elementType << "'";
    return reason;
  }
  if (int64_t capability = computeCapabilityOf(config.getTarget());
      capability != 0 && capability < 80) {
    os << "config mma = mma_sync needs sm_80 or newer (m16n8k16 with "
       << elementType << "), not target '" << config.getTarget()
       << "'";
    return reason;
  }
  if (headDim % 64 != 0 || headDim > 256) {
    os << "config mma = mma_sync needs a head dim D that is a multiple of 64, "
          "at most 256 (swizzled 128-byte shared rows), not D = "
       << headDim;
    return reason;
  }
  if (config.getBlockM() != 16 * config.getNumWarps()) {
    os << "config block_m = " << config.getBlockM()
       << " must be 16 x num_warps = " << 16 * config.getNumWarps()
       << " with mma = mma_sync (each warp owns 16 rows)";
    return reason;
  }
  if (config.getBlockN() % 16 != 0) {
    os << "config block_n = " << config.getBlockN()
       << " must be a multiple of 16 with mma = mma_sync";
    return reason;
  }
  if (config.getBlockDepth() != config.getBlockN()) {
    os << "config block_depth = " << config.getBlockDepth()
       << " must equal block_n = " << config.getBlockN()
       << " with mma = mma_sync (depth tiles stream through the key/value "
          "buffers)";
    return reason;
  }
  if (config.getNumStages() < 2 || config.getNumStages() > 4) {
    os << "config num_stages = " << config.getNumStages()
       << " is not supported with mma = mma_sync (supported: 2 to 4)";
    return reason;
  }
  return std::nullopt;
}

std::optional<std::string>
mlir::moda::whyInvalidForwardConfig(KernelConfigAttr config, int64_t groupSize,
                                    int64_t headDim, Type elementType) {
  std::string reason;
  llvm::raw_string_ostream os(reason);
  switch (config.getMma()) {
  case MmaKind::Fma:
    if (config.getNumStages() != 1) {
      os << "config num_stages = " << config.getNumStages()
         << " is not supported with mma = fma (supported: 1)";
      return reason;
    }
    break;
  case MmaKind::MmaSync:
    if (std::optional<std::string> why =
            whyInvalidMmaSyncConfig(config, headDim, elementType))
      return why;
    break;
  case MmaKind::Wgmma:
    os << "config mma = wgmma is not implemented by the forward lowering yet "
          "(supported: fma, mma_sync)";
    return reason;
  }
  if (config.getBlockM() % groupSize != 0) {
    os << "config block_m = " << config.getBlockM()
       << " must be a multiple of the group size G = " << groupSize;
    return reason;
  }
  int64_t width = getVectorWidth(elementType);
  if (headDim % width != 0) {
    os << "head dim D = " << headDim << " must be a multiple of " << width
       << " for 16-byte loads of '" << elementType << "'";
    return reason;
  }
  int64_t shared = getForwardSharedMemoryBytes(config, headDim, elementType);
  if (shared > kMaxStaticSharedMemoryBytes) {
    os << "config needs " << shared << " bytes of shared memory ("
       << (config.getMma() == MmaKind::MmaSync
               ? "(block_m + 2 x num_stages x block_n)"
               : "2 x (block_n + block_depth)")
       << " x D x element size), more than the "
       << kMaxStaticSharedMemoryBytes << " a block may declare";
    return reason;
  }
  return std::nullopt;
}

/// The candidate values of each parameter. Every combination that passes
/// whyInvalidForwardConfig is in the space, with, for the SIMT formulation
/// (one row per thread), 1 to 4 rows per thread (more threads than rows idle
/// in the compute loop; fewer reload the tiles per row group). The
/// tensor-core formulation has 16 rows per warp, key/value tiles of block_n
/// entries for sequence and depth alike, and 2 or 3 pipeline stages.
static constexpr int64_t kBlockMs[] = {32, 64, 128};
static constexpr int64_t kBlockNs[] = {32, 64};
static constexpr int64_t kBlockDepths[] = {16, 32, 64};
static constexpr int64_t kNumWarps[] = {1, 2, 4, 8};
static constexpr int64_t kMmaNumWarps[] = {4, 8};
static constexpr int64_t kMmaBlockNs[] = {32, 64, 128};
static constexpr int64_t kMmaNumStages[] = {2, 3};

SmallVector<KernelConfigAttr>
mlir::moda::getForwardConfigSpace(MLIRContext *context,
                                  const ForwardProblem &problem,
                                  StringRef target) {
  SmallVector<KernelConfigAttr> space;
  auto addIfValid = [&](KernelConfigAttr config) {
    if (!whyInvalidForwardConfig(config, problem.groupSize, problem.headDim,
                                 problem.elementType))
      space.push_back(config);
  };
  SmallVector<int64_t> blockMs;
  for (int64_t blockM : kBlockMs) {
    int64_t aligned = llvm::alignTo(blockM, problem.groupSize);
    if (!llvm::is_contained(blockMs, aligned))
      blockMs.push_back(aligned);
  }
  // Without depth entries the depth tile is never loaded: one value suffices.
  ArrayRef<int64_t> blockDepths = kBlockDepths;
  if (problem.depth == 0)
    blockDepths = blockDepths.take_front(1);
  for (int64_t blockM : blockMs)
    for (int64_t blockN : kBlockNs)
      for (int64_t blockDepth : blockDepths)
        for (int64_t numWarps : kNumWarps) {
          int64_t threads = numWarps * 32;
          if (threads > 2 * blockM || blockM > 4 * threads)
            continue;
          addIfValid(KernelConfigAttr::get(context, blockM, blockN, blockDepth,
                                           numWarps, /*numStages=*/1,
                                           MmaKind::Fma, target));
        }
  for (int64_t numWarps : kMmaNumWarps)
    for (int64_t blockN : kMmaBlockNs)
      for (int64_t numStages : kMmaNumStages)
        addIfValid(KernelConfigAttr::get(context, 16 * numWarps, blockN,
                                         blockN, numWarps, numStages,
                                         MmaKind::MmaSync, target));
  return space;
}

/// The SIMT choice: query blocks hold 128 folded rows for small heads (64 for
/// D > 64, where registers run out first), rounded up to a multiple of G so
/// that the G heads of a position never straddle two blocks; the depth tile
/// covers the block's depth span when it is small. Then the largest member
/// of the space that does not exceed these choices (tiles shrink until
/// shared memory fits).
static KernelConfigAttr
getSimtHeuristicConfig(MLIRContext *context, const ForwardProblem &problem,
                       StringRef target,
                       ArrayRef<KernelConfigAttr> space) {
  bool wide = problem.headDim > 64;
  int64_t blockM = llvm::alignTo(wide ? 64 : 128, problem.groupSize);
  int64_t blockN = wide ? 32 : 64;
  int64_t span = ShapedType::isDynamic(problem.depth)
                     ? 64
                     : (blockM / problem.groupSize) * problem.depth;
  int64_t blockDepth = std::clamp<int64_t>(llvm::PowerOf2Ceil(span), 16, 64);
  int64_t numWarps = wide ? 4 : 8;

  KernelConfigAttr best;
  auto score = [](KernelConfigAttr c) {
    return std::make_tuple(c.getBlockN() + c.getBlockDepth(), c.getBlockDepth(),
                           c.getNumWarps());
  };
  SmallVector<KernelConfigAttr> simt;
  for (KernelConfigAttr config : space) {
    if (config.getMma() != MmaKind::Fma)
      continue;
    simt.push_back(config);
    if (config.getBlockM() != blockM || config.getBlockN() > blockN ||
        config.getBlockDepth() > blockDepth ||
        config.getNumWarps() != numWarps)
      continue;
    if (!best || score(config) > score(best))
      best = config;
  }
  // A group so large that no block of the preferred size exists: the first
  // valid configuration. No valid configuration at all (a head dimension the
  // loads cannot tile, say): the preferred one, so that the lowering reports
  // the rule it breaks.
  if (!best)
    best = !simt.empty()
               ? simt.front()
               : KernelConfigAttr::get(context, blockM, blockN, blockDepth,
                                       numWarps, /*numStages=*/1, MmaKind::Fma,
                                       target);
  return best;
}

/// Tensor cores whenever the space has a tensor-core member: the one with the
/// most rows per block, then the longest key tiles, then the deepest
/// pipeline (the largest that fits shared memory). Otherwise the SIMT
/// choice.
KernelConfigAttr
mlir::moda::getForwardHeuristicConfig(MLIRContext *context,
                                      const ForwardProblem &problem,
                                      StringRef target) {
  SmallVector<KernelConfigAttr> space =
      getForwardConfigSpace(context, problem, target);
  KernelConfigAttr best;
  auto score = [](KernelConfigAttr c) {
    return std::make_tuple(c.getBlockM(), c.getBlockN(), c.getNumStages());
  };
  for (KernelConfigAttr config : space)
    if (config.getMma() == MmaKind::MmaSync &&
        (!best || score(config) > score(best)))
      best = config;
  return best ? best
              : getSimtHeuristicConfig(context, problem, target, space);
}

KernelConfigAttr
mlir::moda::getBackwardHeuristicConfig(MLIRContext *context,
                                       const ForwardProblem &problem,
                                       StringRef target) {
  return getSimtHeuristicConfig(
      context, problem, target,
      getForwardConfigSpace(context, problem, target));
}
