//===- KeySplits.h - the configuration of a decoding forward ----*- C++ -*-===//
//
// Decoding (a few new tokens against a long cache) is bound by the cache's
// bytes, not by products: its query rows fit one block per key/value head,
// so B * Hk blocks each stream the whole cache, fewer than the GPU has
// multiprocessors when B is small. The configuration pass gives such a
// forward the tiles of one warpgroup with a deeper pipeline and, below half
// a wave of blocks, split-KV's kv_splits: blocks that share one block of
// query rows' sequence keys, their partial results merged.
//
// Measured on an H100 (bench/results/sweep-decode-h100.json: 6 shapes, B
// in {1, 16, 64}, S from 8192 to 131072, D in {64, 128}, 24 to 36
// configurations each): this choice was within 3.5% of each shape's
// fastest; the forward heuristics' 128-row, 2-stage tiles with two waves of
// splits up to 1.76x slower; one wave of blocks (132 / (B * Hk) splits)
// beat two and more.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_UTILS_KEYSPLITS_H
#define MODA_DIALECT_MODA_UTILS_KEYSPLITS_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

namespace mlir::moda {

/// Multiprocessors of the GPUs an sm_90 target runs on (H100 SXM, H200).
inline constexpr int64_t kSm90Multiprocessors = 132;

/// The configuration of `op` when it decodes, else `heuristic` unchanged.
/// `op` decodes when it has sequence keys, is not packed, T is static and
/// its T * G rows fit one block of 64, and `heuristic` runs on tensor
/// cores. It then gets 64-row blocks of 4 warps, 64-key and 64-entry tiles,
/// 3 stages, `heuristic`'s mma and target, where the rules admit them and
/// they fit (`fits`); and, when B is static too and its B * Hk blocks fill
/// at most half of kSm90Multiprocessors, kv_splits = the multiprocessors
/// over the blocks (one wave), at most 128 and, when S is static, each
/// share at least four key tiles (a dynamic S is a growing cache: it is
/// split for the multiprocessors).
KernelConfigAttr getDecodeConfig(AttentionOp op, KernelConfigAttr heuristic,
                                 FitsSharedMemory fits);

} // namespace mlir::moda

#endif // MODA_DIALECT_MODA_UTILS_KEYSPLITS_H
