//===- AttentionCase.h - one forward case and its run on the host -*- C++ -*-//
//
// A case is one moda.attention with concrete shapes and attributes. It is
// written as IR, compiled by moda's host pipeline (the same tiled kernel as
// the GPU's, one thread per block), run in-process by MLIR's ExecutionEngine
// on fresh random inputs, and judged against the float64 reference.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TOOLS_MODA_CPU_CHECK_ATTENTIONCASE_H
#define MODA_TOOLS_MODA_CPU_CHECK_ATTENTIONCASE_H

#include "moda/Pipelines/Pipelines.h"
#include "moda/Reference/Reference.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Operation.h"
#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace moda::cpucheck {

enum class ElementType { BF16, F16, F32 };

struct TileConfig {
  int64_t blockM, blockN, blockDepth;
  /// Split-KV's shares of each block of query rows' keys (1: none).
  int64_t kvSplits = 1;
};

struct AttentionCase {
  reference::AttentionProblem problem;
  ElementType elementType;
  /// A configuration pinned in the IR; the heuristics choose when absent.
  std::optional<TileConfig> config;
  /// L a runtime size: the depth tensors' type says `?`, so the depth
  /// operands stay whatever L is (even 0) and the launcher is told L.
  bool dynamicDepth = false;
  /// S a runtime size: k and v typed `?` along the keys, as the PyTorch
  /// operator's decoding kernels serve a KV cache that grows every step
  /// (the configuration pass then splits for the multiprocessors).
  bool dynamicKeys = false;
  /// Packed sequences (moda.attention's `packed`): their lengths, tokens
  /// back to back; `problem` then has batch 1 and queries = keys = N, the
  /// tokens. Empty: not packed.
  std::vector<int64_t> sequenceLengths = {};
  /// The max_seqlen the launcher is given when packed: the longest length,
  /// unless the case understates it (a grid too small for a sequence).
  int64_t maxSeqlen = 0;

  /// A paged KV cache (moda.attention's `paged`): the keys of a page (0:
  /// not paged). The case's keys then live in a pool of pages shuffled
  /// among more pages than they need, the block table's columns past
  /// the keys' pages out of range (no program reads them).
  int64_t pageSize = 0;

  bool isPacked() const { return !sequenceLengths.empty(); }
  bool isPaged() const { return pageSize > 0; }
  /// Paged: the block table's pages per batch entry W (one more than the
  /// keys need) and the pool's pages P (three more than the table uses).
  int64_t pagesPerEntry() const;
  int64_t poolPages() const;
  /// Whether the operator has depth operands.
  bool hasDepthOperands() const;
  /// The tensor types of q (and out, d_out), k and v, depth_k and depth_v
  /// (L static, or `?`) and lse, as the case's IR writes them.
  std::string queryType() const;
  std::string kvType() const;
  std::string depthType() const;
  std::string lseType() const;
  /// The type of `rows` rows (positions or keys) of `heads` heads: [B,
  /// rows, heads, D], or packed [N, heads, D].
  std::string rowsType(int64_t rows, int64_t heads) const;
  /// The function arguments and the operator's operands of the packed
  /// form (`%cu`, `%max`), empty when not packed.
  std::string packedArguments() const;
  std::string packedOperands() const;
  /// The operator's attribute dictionary's entries (scale, visibility,
  /// causal, chunk size, a pinned configuration).
  std::string attributes() const;
  /// The packed sequences' offsets (cu_seqlens).
  std::vector<int32_t> offsets() const;
  /// Paged: a block table ([B, W] i32) of distinct pages of the pool drawn
  /// from `rng`, its columns past the keys' pages out of range.
  std::vector<int32_t> blockTable(std::mt19937_64 &rng) const;
  /// The sizes its launchers take: B, T, S, L (packed: the sequences,
  /// max_seqlen twice, L and the tokens N).
  std::vector<int64_t> launcherSizes(bool hasSequence, bool hasDepth) const;

  /// e.g. "bf16 B1 T67 S67 Hq8 Hk1 D64 L7 causal per_position".
  std::string describe() const;
  /// The case as a module with one function holding one moda.attention.
  std::string toMLIR() const;
};

struct CaseResult {
  bool compiled = false;
  std::string error; // why it did not compile or run
  double outError = 0, lseError = 0;
  double tolerance = 0;
  bool passed() const {
    return compiled && outError <= tolerance && lseError <= tolerance;
  }
};

/// The case of one moda.attention of a user's module: its shapes (which must
/// be static, but for the depth entries L when `depthEntries` gives them: a
/// stream's read in a loop), attributes and configuration. Fails with a
/// reason otherwise.
mlir::FailureOr<AttentionCase>
caseFromOp(mlir::Operation *attentionOp, std::string &whyNot,
           std::optional<int64_t> depthEntries = std::nullopt);

/// Compiles `c` for the host (moda-to-host-llvm: the tile program the GPU
/// lowering receives) and runs it with inputs drawn from `seed`.
CaseResult runOnHost(mlir::MLIRContext &context, const AttentionCase &c,
                     uint64_t seed);

/// Calls `visit` with the first token and the length of each non-empty
/// sequence of a packed case.
void forEachSequence(const AttentionCase &c,
                     llvm::function_ref<void(int64_t begin, int64_t length)>
                         visit);
/// The problem of one sequence of `length` tokens of a packed case, as a
/// batch of one.
reference::AttentionProblem sequenceProblem(const AttentionCase &c,
                                            int64_t length);

/// "bf16", "f16", "f32".
const char *elementTypeName(ElementType type);
/// "per_position", "chunk", "depth_only".
const char *visibilityName(reference::Visibility visibility);

/// MODA.md section 6: bf16 4e-3, f16 1e-3, f32 1e-5.
double toleranceFor(ElementType type);

} // namespace moda::cpucheck

#endif // MODA_TOOLS_MODA_CPU_CHECK_ATTENTIONCASE_H
