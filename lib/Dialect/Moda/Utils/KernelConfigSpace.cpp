//===- KernelConfigSpace.cpp - the configurations of a kernel -------------===//

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/Sequence.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstdlib>
#include <tuple>

using namespace mlir;
using namespace mlir::moda;

int64_t mlir::moda::getVectorWidth(Type elementType) {
  return 16 / (elementType.getIntOrFloatBitWidth() / 8);
}

static bool isTensorCoreKind(MmaKind kind) {
  return kind == MmaKind::MmaSync || kind == MmaKind::Wgmma;
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

int64_t mlir::moda::getMaxDynamicSharedMemoryBytes(StringRef target) {
  int64_t capability = computeCapabilityOf(target);
  if (capability == 0 || capability >= 90)
    return kMaxDynamicSharedMemoryBytes;
  if (capability == 80 || capability == 87)
    return 163 * 1024;
  return 99 * 1024;
}

/// Registers the tensor-core block may keep live per thread (see below):
/// with mma.sync the K/V fragments of ldmatrix come on top; with wgmma the
/// K/V operands stay in shared memory (kMaxLiveRegistersWgmma, in the
/// header: moda-tile-assign-layouts asks it too).
static constexpr int64_t kMaxLiveRegistersMmaSync = 120;

/// The rules of the tensor-core layouts (mma_sync and wgmma).
static std::optional<std::string>
whyInvalidTensorCoreConfig(KernelConfigAttr config, int64_t headDim,
                           Type elementType) {
  std::string reason;
  llvm::raw_string_ostream os(reason);
  bool wgmma = config.getMma() == MmaKind::Wgmma;
  StringRef kind = stringifyMmaKind(config.getMma());
  if (!elementType.isBF16() && !elementType.isF16()) {
    os << "config mma = " << kind << " needs bf16 or f16 operands, not '"
       << elementType << "'";
    return reason;
  }
  int64_t capability = computeCapabilityOf(config.getTarget());
  if (!wgmma && capability != 0 && capability < 80) {
    os << "config mma = mma_sync needs sm_80 or newer (m16n8k16 with "
       << elementType << "), not target '" << config.getTarget() << "'";
    return reason;
  }
  if (wgmma && config.getTarget() != "sm_90a") {
    os << "config mma = wgmma needs target 'sm_90a' (warpgroup MMA exists "
          "only on the arch-specific sm_90a), not target '"
       << config.getTarget() << "'";
    return reason;
  }
  if (headDim % 64 != 0 || headDim > 256) {
    os << "config mma = " << kind
       << " needs a head dim D that is a multiple of 64, at most 256 "
          "(swizzled 128-byte shared rows), not D = "
       << headDim;
    return reason;
  }
  int64_t warps = config.getNumWarps();
  if (wgmma && (warps % 4 != 0 || config.getBlockM() != 16 * warps)) {
    os << "config block_m = " << config.getBlockM()
       << " and num_warps = " << warps
       << " must be 64 x k and 4 x k with mma = wgmma (each warpgroup of 4 "
          "warps owns 64 rows)";
    return reason;
  }
  if (!wgmma && config.getBlockM() != 16 * warps &&
      config.getBlockM() != 32 * warps) {
    os << "config block_m = " << config.getBlockM() << " must be 16 x num_warps = "
       << 16 * warps << " or 32 x num_warps = " << 32 * warps
       << " with mma = mma_sync (each warp owns one or two 16-row tiles)";
    return reason;
  }
  // Live f32/b32 registers per thread across a tile: per m-tile the score
  // accumulators (block_n / 2), the output accumulators (D / 2) and the query
  // fragments (D / 4). With mma.sync, past 120 of them ptxas spills on sm_90a
  // (measured: 128 spill for D = 128, block_n = 64 and for two m-tiles of
  // D = 64, block_n = 32 in some variants); wgmma keeps K and V in shared
  // memory and fits 144 (ptxas -v: D = 128 with block_n = 128, 160 of them,
  // spills).
  // (The budget also keeps wgmma's N = block_n within its 256.)
  int64_t limit = wgmma ? kMaxLiveRegistersWgmma : kMaxLiveRegistersMmaSync;
  int64_t mTiles = config.getBlockM() / (16 * warps);
  int64_t widestTile = std::max(config.getBlockN(), config.getBlockDepth());
  int64_t liveRegisters = mTiles * (widestTile / 2 + headDim / 2 + headDim / 4);
  if (liveRegisters > limit) {
    os << "config keeps " << liveRegisters
       << " accumulator and fragment registers per thread live with mma = "
       << kind
       << " (block_m / (16 x num_warps) x (max(block_n, block_depth) / 2 + 3 "
          "x D / 4)), more than the "
       << limit << " that fit without spilling";
    return reason;
  }
  if (config.getBlockN() % 16 != 0 || config.getBlockDepth() % 16 != 0) {
    os << "config block_n = " << config.getBlockN()
       << " and block_depth = " << config.getBlockDepth()
       << " must be multiples of 16 with mma = " << kind;
    return reason;
  }
  if (config.getNumStages() < 2 || config.getNumStages() > 4) {
    os << "config num_stages = " << config.getNumStages()
       << " is not supported with mma = " << kind << " (supported: 2 to 4)";
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
  case MmaKind::Wgmma:
    if (std::optional<std::string> why =
            whyInvalidTensorCoreConfig(config, headDim, elementType))
      return why;
    break;
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
  return std::nullopt;
}

/// The candidate values of each parameter. Every combination that passes
/// whyInvalidForwardConfig is in the space, with, for the SIMT formulation
/// (one row per thread), 1 to 4 rows per thread (more threads than rows idle
/// in the compute loop; fewer reload the tiles per row group). The
/// tensor-core formulations have 16 or 32 rows per warp (mma_sync) or 64 per
/// warpgroup (wgmma), sequence tiles of block_n keys, depth tiles of
/// block_depth entries, 2 or 3 pipeline stages; blocks of more than 128 rows
/// would leave most SMs idle at moderate T.
static constexpr int64_t kBlockMs[] = {32, 64, 128};
static constexpr int64_t kBlockNs[] = {32, 64};
static constexpr int64_t kBlockDepths[] = {16, 32, 64};
static constexpr int64_t kNumWarps[] = {1, 2, 4, 8};
static constexpr int64_t kMmaWarpRows[] = {16, 32};
static constexpr int64_t kMmaNumWarps[] = {2, 4, 8};
static constexpr int64_t kMmaBlockNs[] = {32, 64, 128};
static constexpr int64_t kMmaBlockDepths[] = {32, 64};
static constexpr int64_t kMmaNumStages[] = {2, 3};
static constexpr int64_t kWgmmaWarpRows[] = {16};
static constexpr int64_t kWgmmaNumWarps[] = {4, 8};
static constexpr int64_t kWgmmaBlockNs[] = {64, 128};
static constexpr int64_t kWgmmaBlockDepths[] = {64, 128};

/// The candidates of one tensor-core family: rows per warp, warps, key and
/// depth tiles (the first one alone without depth), at most maxBlockM rows.
/// Warpgroup MMA: 16 rows per warp, so 64 per warpgroup of 4 warps, and a
/// depth tile per warpgroup (its span is 64 / G positions' entries); the
/// rules reject targets other than sm_90a.
struct TensorCoreCandidates {
  MmaKind kind;
  ArrayRef<int64_t> warpRows, numWarps, blockNs, blockDepths;
  int64_t maxBlockM;
};
static const TensorCoreCandidates kTensorCoreCandidates[] = {
    {MmaKind::MmaSync, kMmaWarpRows, kMmaNumWarps, kMmaBlockNs,
     kMmaBlockDepths, 128},
    {MmaKind::Wgmma, kWgmmaWarpRows, kWgmmaNumWarps, kWgmmaBlockNs,
     kWgmmaBlockDepths, 128},
};

/// Every configuration the rules accept, fitting or not, in the space's
/// order.
static SmallVector<KernelConfigAttr>
getValidForwardConfigs(MLIRContext *context, const ForwardProblem &problem,
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
  for (const TensorCoreCandidates &family : kTensorCoreCandidates) {
    ArrayRef<int64_t> familyBlockDepths = family.blockDepths;
    if (problem.depth == 0)
      familyBlockDepths = familyBlockDepths.take_front(1);
    for (int64_t warpRows : family.warpRows)
      for (int64_t numWarps : family.numWarps)
        for (int64_t blockN : family.blockNs)
          for (int64_t blockDepth : familyBlockDepths)
            for (int64_t numStages : kMmaNumStages) {
              if (warpRows * numWarps > family.maxBlockM)
                continue;
              addIfValid(KernelConfigAttr::get(
                  context, warpRows * numWarps, blockN, blockDepth, numWarps,
                  numStages, family.kind, target));
            }
  }
  return space;
}

SmallVector<KernelConfigAttr>
mlir::moda::getForwardConfigSpace(MLIRContext *context,
                                  const ForwardProblem &problem,
                                  StringRef target, FitsSharedMemory fits) {
  SmallVector<KernelConfigAttr> space =
      getValidForwardConfigs(context, problem, target);
  llvm::erase_if(space, [&](KernelConfigAttr config) { return !fits(config); });
  return space;
}

/// The member of `candidates` with the highest `score` that fits, or null.
/// Candidates are measured best first, so that a heuristic measures one or
/// two, not the space.
template <typename Score>
static KernelConfigAttr bestFitting(ArrayRef<KernelConfigAttr> candidates,
                                    Score score, FitsSharedMemory fits) {
  // Ties keep the space's order (the first of equals wins, as the scores
  // were written for).
  auto ranked = llvm::to_vector(llvm::seq<unsigned>(0, candidates.size()));
  llvm::sort(ranked, [&](unsigned a, unsigned b) {
    auto scoreA = score(candidates[a]), scoreB = score(candidates[b]);
    return scoreA > scoreB || (scoreA == scoreB && a < b);
  });
  for (unsigned index : ranked)
    if (fits(candidates[index]))
      return candidates[index];
  return {};
}

/// A preference of the SIMT heuristic, not a rule of the space: a thread
/// walks whole rows of the key and value tiles, and larger ones (f32, or
/// D >= 128) make the backward spill heavily (D = 64, f32, 128x64x64: ptxas
/// ran about ten minutes on the dq and dkv programs). The SIMT tiles were
/// this size when it was their shared-memory rule (48 KiB, the static
/// shared memory of the kernels the tile programs replaced).
static constexpr int64_t kSimtPreferredTileBytes = 48 * 1024;

/// The SIMT choice: query blocks hold 128 folded rows for small heads (64 for
/// D > 64, where registers run out first), rounded up to a multiple of G so
/// that the G heads of a position never straddle two blocks; the depth tile
/// covers the block's depth span when it is small. Then the largest member
/// of the space that does not exceed these choices and fits, among those
/// whose key and value tiles (sequence and depth rows) stay within
/// kSimtPreferredTileBytes; when none does (f32 at D = 256), the smallest.
static KernelConfigAttr
getSimtHeuristicConfig(MLIRContext *context, const ForwardProblem &problem,
                       StringRef target, ArrayRef<KernelConfigAttr> valid,
                       FitsSharedMemory fits) {
  bool wide = problem.headDim > 64;
  int64_t blockM = llvm::alignTo(wide ? 64 : 128, problem.groupSize);
  int64_t blockN = wide ? 32 : 64;
  int64_t span = ShapedType::isDynamic(problem.depth)
                     ? 64
                     : (blockM / problem.groupSize) * problem.depth;
  int64_t blockDepth = std::clamp<int64_t>(llvm::PowerOf2Ceil(span), 16, 64);
  int64_t numWarps = wide ? 4 : 8;

  int64_t elementBytes = problem.elementType.getIntOrFloatBitWidth() / 8;
  auto score = [&](KernelConfigAttr c) {
    // (D is unbounded: an overflowing product is past the preference.)
    std::optional<int64_t> tileBytes = llvm::checkedMul(
        2 * (c.getBlockN() + c.getBlockDepth()) * elementBytes,
        problem.headDim);
    // Within the preferred bytes the largest tiles, past them the smallest.
    bool within = tileBytes && *tileBytes <= kSimtPreferredTileBytes;
    int64_t rows = c.getBlockN() + c.getBlockDepth();
    return std::make_tuple(within, within ? rows : -rows,
                           within ? c.getBlockDepth() : -c.getBlockDepth(),
                           c.getNumWarps());
  };
  SmallVector<KernelConfigAttr> simt, preferred;
  for (KernelConfigAttr config : valid) {
    if (config.getMma() != MmaKind::Fma)
      continue;
    simt.push_back(config);
    if (config.getBlockM() == blockM && config.getBlockN() <= blockN &&
        config.getBlockDepth() <= blockDepth &&
        config.getNumWarps() == numWarps)
      preferred.push_back(config);
  }
  if (KernelConfigAttr best = bestFitting(preferred, score, fits))
    return best;
  // A group so large that no block of the preferred size exists: the first
  // valid configuration that fits. None at all (a head dimension the loads
  // cannot tile, say): the preferred one, so that the lowering reports the
  // rule it breaks.
  for (KernelConfigAttr config : simt)
    if (fits(config))
      return config;
  return KernelConfigAttr::get(context, blockM, blockN, blockDepth, numWarps,
                               /*numStages=*/1, MmaKind::Fma, target);
}

/// Tensor cores whenever the space has a tensor-core member, warpgroup MMA
/// (sm_90a) before mma.sync: the one with the most rows per block, then one
/// m-tile per warp (two run out of registers first), then the longest key
/// tiles, then two pipeline stages (a third adds registers for addresses),
/// then, with mma.sync, the shortest depth tiles (most warps skip them),
/// with wgmma the longest (every warpgroup computes its own each step: fewer,
/// larger steps). Measured on the H100 (bench/results/autotune.json and
/// docs/performance.md), these choices are within a few percent of the
/// tuned ones and do not spill. Otherwise the SIMT choice.
KernelConfigAttr
mlir::moda::getForwardHeuristicConfig(MLIRContext *context,
                                      const ForwardProblem &problem,
                                      StringRef target, FitsSharedMemory fits) {
  SmallVector<KernelConfigAttr> valid =
      getValidForwardConfigs(context, problem, target);
  auto score = [](KernelConfigAttr c) {
    bool wgmma = c.getMma() == MmaKind::Wgmma;
    return std::make_tuple(wgmma, c.getBlockM(),
                           -(c.getBlockM() / c.getNumWarps()), c.getBlockN(),
                           -c.getNumStages(),
                           wgmma ? c.getBlockDepth() : -c.getBlockDepth());
  };
  SmallVector<KernelConfigAttr> tensorCores(
      llvm::make_filter_range(valid, [](KernelConfigAttr c) {
        return isTensorCoreKind(c.getMma());
      }));
  if (KernelConfigAttr best = bestFitting(tensorCores, score, fits))
    return best;
  return getSimtHeuristicConfig(context, problem, target, valid, fits);
}

/// Whether the backward's programs can run `config` in blocks of one
/// warpgroup: the forward's rules, and a budget of live registers per
/// thread for the dq program's S and dP accumulators (block_n / 2 each),
/// dQ's (D / 2) and the Q and dO fragments (D / 4 each). Measured with
/// ptxas on the removed block builders' dq kernel: D = 128 with 32-key
/// tiles (160) spills, D = 64 with 64 (128) does not; the tile programs'
/// D = 64 backward under this rule does not spill either.
static bool fitsOneWarpgroupBackward(KernelConfigAttr config,
                                     const ForwardProblem &problem) {
  if (whyInvalidForwardConfig(config, problem.groupSize, problem.headDim,
                              problem.elementType))
    return false;
  int64_t widestTile = std::max(config.getBlockN(), config.getBlockDepth());
  return widestTile + problem.headDim <= kMaxLiveRegistersWgmma;
}

KernelConfigAttr mlir::moda::fitKeyTilesToPages(MLIRContext *context,
                                                const ForwardProblem &problem,
                                                KernelConfigAttr chosen,
                                                int64_t pageSize,
                                                FitsSharedMemory fits) {
  if (pageSize % chosen.getBlockN() == 0)
    return chosen;
  SmallVector<KernelConfigAttr> inPages;
  for (KernelConfigAttr config :
       getValidForwardConfigs(context, problem, chosen.getTarget())) {
    if (pageSize % config.getBlockN() != 0)
      continue;
    inPages.push_back(config);
    auto split = KernelConfigAttr::get(
        context, config.getBlockM(), config.getBlockN(),
        config.getBlockDepth(), config.getNumWarps(), config.getNumStages(),
        config.getMma(), config.getTarget(), chosen.getKvSplits());
    if (chosen.getKvSplits() > 1 &&
        !whyInvalidForwardConfig(split, problem.groupSize, problem.headDim,
                                 problem.elementType))
      inPages.push_back(split);
  }
  auto score = [&](KernelConfigAttr c) {
    return std::make_tuple(c.getMma() == chosen.getMma(),
                           c.getMma() != MmaKind::Fma,
                           c.getKvSplits() == chosen.getKvSplits(),
                           -std::abs(c.getBlockM() - chosen.getBlockM()),
                           c.getNumStages() == chosen.getNumStages());
  };
  return bestFitting(inPages, score, fits);
}

/// Blocks of one warpgroup where they fit (64 rows or keys: measured on the
/// H100 with the removed block builders at T=16384, G=8, D=64, L=64,
/// fwd+bwd 36.9 ms against 40.4 ms with two warpgroups, 38.4 ms with 32-row
/// key tiles; for the tile programs, the session of 908ea87 found two
/// warpgroups and 32-entry tiles no faster, docs/performance.md).
KernelConfigAttr
mlir::moda::getBackwardHeuristicConfig(MLIRContext *context,
                                       const ForwardProblem &problem,
                                       StringRef target, FitsSharedMemory fits) {
  KernelConfigAttr simt = getSimtHeuristicConfig(
      context, problem, target,
      getValidForwardConfigs(context, problem, target), fits);
  auto oneWarpgroup = KernelConfigAttr::get(
      context, /*blockM=*/64, simt.getBlockN(), simt.getBlockDepth(),
      /*numWarps=*/4, /*numStages=*/2, MmaKind::Wgmma, target);
  if (fitsOneWarpgroupBackward(oneWarpgroup, problem) && fits(oneWarpgroup))
    return oneWarpgroup;
  if (problem.headDim <= 128) {
    auto twoWarpgroups = KernelConfigAttr::get(
        context, /*blockM=*/128, /*blockN=*/32, /*blockDepth=*/32,
        /*numWarps=*/8, /*numStages=*/2, MmaKind::Wgmma, target);
    if (!whyInvalidForwardConfig(twoWarpgroups, problem.groupSize,
                                 problem.headDim, problem.elementType) &&
        fits(twoWarpgroups))
      return twoWarpgroups;
  }
  return simt;
}
