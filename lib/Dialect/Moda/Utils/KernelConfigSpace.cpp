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
  return 2 * tileRows * headDim * elementBytes;
}

std::optional<std::string>
mlir::moda::whyInvalidForwardConfig(KernelConfigAttr config, int64_t groupSize,
                                    int64_t headDim, Type elementType) {
  std::string reason;
  llvm::raw_string_ostream os(reason);
  // Only the SIMT path exists so far: tensor-core MMA and multi-stage
  // pipelining are configurations the lowering cannot honour yet, and a
  // configuration must describe the kernel that is generated.
  if (config.getMma() != MmaKind::Fma) {
    os << "config mma = " << stringifyMmaKind(config.getMma())
       << " is not implemented by the forward lowering yet (supported: fma)";
    return reason;
  }
  if (config.getNumStages() != 1) {
    os << "config num_stages = " << config.getNumStages()
       << " is not implemented by the forward lowering yet (supported: 1)";
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
    os << "config needs " << shared
       << " bytes of shared memory (2 x (block_n + block_depth) x D x element "
          "size), more than the "
       << kMaxStaticSharedMemoryBytes << " a block may declare";
    return reason;
  }
  return std::nullopt;
}

/// The candidate values of each parameter. Every combination that passes
/// whyInvalidForwardConfig and keeps 1 to 4 rows per thread (more threads
/// than rows idle in the compute loop; fewer reload the tiles per row group)
/// is in the space.
static constexpr int64_t kBlockMs[] = {32, 64, 128};
static constexpr int64_t kBlockNs[] = {32, 64};
static constexpr int64_t kBlockDepths[] = {16, 32, 64};
static constexpr int64_t kNumWarps[] = {1, 2, 4, 8};

SmallVector<KernelConfigAttr>
mlir::moda::getForwardConfigSpace(MLIRContext *context,
                                  const ForwardProblem &problem,
                                  StringRef target) {
  SmallVector<KernelConfigAttr> space;
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
          auto config = KernelConfigAttr::get(context, blockM, blockN,
                                              blockDepth, numWarps,
                                              /*numStages=*/1, MmaKind::Fma,
                                              target);
          if (!whyInvalidForwardConfig(config, problem.groupSize,
                                       problem.headDim, problem.elementType))
            space.push_back(config);
        }
  return space;
}

/// Query blocks hold 128 folded rows for small heads (64 for D > 64, where
/// registers run out first), rounded up to a multiple of G so that the G
/// heads of a position never straddle two blocks; the depth tile covers the
/// block's depth span when it is small. Then the largest member of the space
/// that does not exceed these choices (tiles shrink until shared memory
/// fits).
KernelConfigAttr
mlir::moda::getForwardHeuristicConfig(MLIRContext *context,
                                      const ForwardProblem &problem,
                                      StringRef target) {
  bool wide = problem.headDim > 64;
  int64_t blockM = llvm::alignTo(wide ? 64 : 128, problem.groupSize);
  int64_t blockN = wide ? 32 : 64;
  int64_t span = ShapedType::isDynamic(problem.depth)
                     ? 64
                     : (blockM / problem.groupSize) * problem.depth;
  int64_t blockDepth = std::clamp<int64_t>(llvm::PowerOf2Ceil(span), 16, 64);
  int64_t numWarps = wide ? 4 : 8;

  SmallVector<KernelConfigAttr> space =
      getForwardConfigSpace(context, problem, target);
  KernelConfigAttr best;
  auto score = [](KernelConfigAttr c) {
    return std::make_tuple(c.getBlockN() + c.getBlockDepth(), c.getBlockDepth(),
                           c.getNumWarps());
  };
  for (KernelConfigAttr config : space) {
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
    best = !space.empty()
               ? space.front()
               : KernelConfigAttr::get(context, blockM, blockN, blockDepth,
                                       numWarps, /*numStages=*/1, MmaKind::Fma,
                                       target);
  return best;
}
