//===- KernelConfigSpace.h - the configurations of a kernel -----*- C++ -*-===//
//
// The one place that defines the configurations of the forward kernel: which
// are valid (the lowering asks), which exist (the tuner enumerates them,
// through moda-compile --print-config-space) and which one the heuristics
// pick (a member of the same space). Whether a configuration's kernels fit
// the target's shared memory is not a rule here: it is the tile programs'
// shared-tile plan, which the caller measures (a FitsSharedMemory, made by
// moda/Pipelines/ConfigSharedMemory.h) and these functions ask.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_UTILS_KERNELCONFIGRULES_H
#define MODA_DIALECT_MODA_UTILS_KERNELCONFIGRULES_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "llvm/ADT/STLFunctionalExtras.h"

#include <optional>
#include <string>

namespace mlir::moda {

/// What the configuration of a forward kernel depends on.
struct ForwardProblem {
  int64_t groupSize = 1;
  int64_t headDim = 0;
  Type elementType;
  /// Depth entries per position; ShapedType::kDynamic when not static.
  int64_t depth = 0;

  /// The problem of a moda.attention or moda.attention_grad.
  template <typename OpTy> static ForwardProblem of(OpTy op) {
    return {op.getGroupSize(), op.getHeadDim(),
            op.getQ().getType().getElementType(), op.getDepthSize()};
  }
};

/// Whether the kernels a configuration produces fit the shared memory of
/// its target (asked of the tile programs' shared-tile plan).
using FitsSharedMemory = llvm::function_ref<bool(KernelConfigAttr)>;

/// Every valid configuration of the forward kernel for `problem` on
/// `target` whose kernels fit (`fits`), in a deterministic order.
SmallVector<KernelConfigAttr> getForwardConfigSpace(MLIRContext *context,
                                                    const ForwardProblem &problem,
                                                    StringRef target,
                                                    FitsSharedMemory fits);

/// The configuration chosen without measurements: a member of
/// getForwardConfigSpace, or, when that space is empty, the preferred
/// configuration (which the rules then reject with their reason). `fits`
/// is asked of the preferred candidates first, until one fits.
KernelConfigAttr getForwardHeuristicConfig(MLIRContext *context,
                                           const ForwardProblem &problem,
                                           StringRef target,
                                           FitsSharedMemory fits);

/// `chosen` when its key tiles lie in pages of `pageSize` keys (block_n
/// divides it); else, of the valid configurations whose tiles do, the one
/// closest to `chosen` that fits: `chosen`'s mma first, tensor cores before
/// CUDA cores, `chosen`'s kv_splits kept where the rules allow, then the
/// nearest block_m; `fits` is asked best first. Null when none does.
KernelConfigAttr fitKeyTilesToPages(MLIRContext *context,
                                    const ForwardProblem &problem,
                                    KernelConfigAttr chosen, int64_t pageSize,
                                    FitsSharedMemory fits);

/// The configuration of the backward kernels, chosen without measurements:
/// with mma = wgmma, 2 stages and blocks of one warpgroup (64 rows, the
/// tiles of the SIMT member of the forward space the forward heuristics
/// would pick on CUDA cores) where the forward's rules allow it, its
/// widest tile plus D stays within kMaxLiveRegistersWgmma and its kernels
/// fit; else, for D <= 128, blocks of two warpgroups (128 rows, 8 warps)
/// with 32-key and 32-entry tiles, 2 stages, where the forward's rules
/// allow (ptxas, sm_90a, D = 128: the dkv program spills 68 bytes or more
/// with 64-key tiles, none with 32) and they fit; else that SIMT member
/// itself. `fits` measures the backward's kernels.
KernelConfigAttr getBackwardHeuristicConfig(MLIRContext *context,
                                            const ForwardProblem &problem,
                                            StringRef target,
                                            FitsSharedMemory fits);

/// Dynamic shared memory a block may opt in to on sm_90 (227 KiB), the
/// most of any target.
inline constexpr int64_t kMaxDynamicSharedMemoryBytes = 227 * 1024;

/// Dynamic shared memory a block may opt in to on `target`: 227 KiB on
/// sm_90, 163 KiB on sm_80/sm_87, 99 KiB on the other sm_8x.
int64_t getMaxDynamicSharedMemoryBytes(StringRef target);

/// With mma = wgmma the shared tiles start on a 1024-byte boundary (eight
/// 128-byte rows: the period of the hardware's 128-byte swizzle); the block
/// allocates this much more to align its dynamic shared memory itself.
inline constexpr int64_t kWarpgroupTileAlignment = 1024;

/// Global loads are 16 bytes wide: this many elements of `elementType`.
int64_t getVectorWidth(Type elementType);

/// f32/b32 registers a warpgroup-MMA block may keep live per thread
/// (accumulators, one step's products, operand fragments) without ptxas
/// spilling on sm_90a (measured: KernelConfigSpace.cpp).
inline constexpr int64_t kMaxLiveRegistersWgmma = 144;

/// Why `config` cannot be compiled for an attention with group size
/// `groupSize`, head dimension `headDim` and `elementType` (the first broken
/// rule), or std::nullopt when it can. Shared memory is not among these
/// rules: it is measured on the tile programs (FitsSharedMemory).
std::optional<std::string> whyInvalidForwardConfig(KernelConfigAttr config,
                                                   int64_t groupSize,
                                                   int64_t headDim,
                                                   Type elementType);

} // namespace mlir::moda

#endif // MODA_DIALECT_MODA_UTILS_KERNELCONFIGRULES_H
