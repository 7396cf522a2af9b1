//===- Reference.h - float64 reference of the MoDA forward operator -------===//
//
// The reference that kernels are judged against (docs/semantics.md,
// shared/spec/MODA.md section 2 and section 6). It is deliberately simple,
// dependency-free and slow: every row is computed on its own in float64.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_REFERENCE_REFERENCE_H
#define MODA_REFERENCE_REFERENCE_H

#include <cstddef>
#include <cstdint>

namespace moda::reference {

/// Which depth entries a query row sees.
enum class Visibility {
  /// The L entries of the row's own position t.
  PerPosition,
  /// The L entries of every position from floor(t / C) * C up to t.
  Chunk,
  /// Only the row's own depth entries; there are no sequence keys at all.
  DepthOnly,
};

struct AttentionProblem {
  int64_t batch;      // B
  int64_t queries;    // T
  int64_t keys;       // S (ignored for DepthOnly)
  int64_t depth;      // L
  int64_t queryHeads; // Hq
  int64_t kvHeads;    // Hk; Hq must be a multiple of Hk
  int64_t headDim;    // D
  bool causal;        // sequence key s visible iff s <= t + (S - T)
  Visibility visibility;
  int64_t chunkSize; // C, used by Visibility::Chunk only
  double scale;
};

/// Returns nullptr when `p` describes a computable problem, else a sentence
/// saying what is wrong (negative sizes, Hq not a multiple of Hk, a chunk
/// size < 1 for Chunk, Chunk with S != T).
const char *checkProblem(const AttentionProblem &p);

/// Computes out [B,T,Hq,D] and lse [B,Hq,T] from q [B,T,Hq,D],
/// k, v [B,S,Hk,D] (may be null for DepthOnly) and depthK, depthV
/// [B,T,L,Hk,D] (may be null when L == 0). Query head hq reads key/value
/// head hq / (Hq / Hk). A row that sees nothing gets out = 0, lse = -inf.
/// Precondition: checkProblem(p) == nullptr.
void attentionForward(const AttentionProblem &p, const double *q,
                      const double *k, const double *v, const double *depthK,
                      const double *depthV, double *out, double *lse);

/// The gradients of attentionForward's `out` for the output gradient `dOut`
/// [B,T,Hq,D] (MODA.md section 3): dq [B,T,Hq,D], dk and dv [B,S,Hk,D]
/// (null for DepthOnly), dDepthK and dDepthV [B,T,L,Hk,D] (null when L == 0).
/// Every output is overwritten. Precondition: checkProblem(p) == nullptr.
void attentionBackward(const AttentionProblem &p, const double *q,
                       const double *k, const double *v, const double *depthK,
                       const double *depthV, const double *dOut, double *dq,
                       double *dk, double *dv, double *dDepthK,
                       double *dDepthV);

/// ||actual - expected||_F / ||expected||_F; +inf if any actual element is
/// NaN or Inf. When expected is all zeros: 0 if actual is too, else +inf.
double relativeError(const double *actual, const double *expected, size_t n);

/// The keys (or values) of a paged KV cache as the operator reads them,
/// [batch, keys, rowElements]: key s of batch entry b is row s mod pageSize
/// of page table[b * pagesPerEntry + s / pageSize] of `pool` ([pages,
/// pageSize, rowElements]; rowElements = Hk * D). The table must name
/// pages of the pool.
void gatherPages(const double *pool, const int32_t *table, int64_t batch,
                 int64_t keys, int64_t pageSize, int64_t pagesPerEntry,
                 int64_t rowElements, double *gathered);

/// The error measure for log-sum-exp results. An lse of -inf (a row that
/// sees nothing) must be matched by exactly -inf; any other non-finite
/// actual value, or a mismatch of -inf, gives +inf. Over the remaining
/// entries it is ||actual - expected|| / max(||expected||, sqrt(m)) with m
/// the number of those entries: a relative error like relativeError, whose
/// denominator is floored because an lse near 0 (a normalizer near 1) would
/// otherwise inflate it; an absolute lse error is a relative error of the
/// normalizer exp(lse), so the floor keeps the measure meaningful.
double lseError(const double *actual, const double *expected, size_t n);

/// Element conversions. Narrowing rounds to nearest, ties to even; NaN stays
/// NaN (made quiet, sign and leading payload kept); overflow gives Inf.
float bf16ToFloat(uint16_t bits);
uint16_t floatToBf16(float value);
float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);

} // namespace moda::reference

#endif // MODA_REFERENCE_REFERENCE_H
