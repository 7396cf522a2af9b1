//===- KeySplits.h - split-KV for decoding ----------------------*- C++ -*-===//
//
// How many blocks share one block of query rows' sequence keys
// (#moda.config's kv_splits). A forward whose query rows fit in a few
// blocks per key/value head (decoding: T from 1 to 16 new tokens against a
// long cache) launches fewer blocks than the GPU has multiprocessors, each
// streaming the whole cache; splitting the keys fills the GPU, at the cost
// of a merge of the shares' partial results.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_UTILS_KEYSPLITS_H
#define MODA_DIALECT_MODA_UTILS_KEYSPLITS_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

namespace mlir::moda {

/// Multiprocessors of the GPUs an sm_90 target runs on (H100 SXM, H200).
inline constexpr int64_t kSm90Multiprocessors = 132;

/// The kv_splits the configuration pass gives `op` with tile configuration
/// `config`: 1 unless its sizes B, T and S are static, it has sequence keys
/// and is not packed, and its B * Hk * ceil(T * G / block_m) blocks fill
/// less than one wave of kSm90Multiprocessors; then enough splits for two
/// waves, each share at least four key tiles, at most 128 splits.
int64_t getKeySplitsHeuristic(AttentionOp op, KernelConfigAttr config);

/// `config` with kv_splits = `splits`.
KernelConfigAttr withKeySplits(KernelConfigAttr config, int64_t splits);

} // namespace mlir::moda

#endif // MODA_DIALECT_MODA_UTILS_KEYSPLITS_H
