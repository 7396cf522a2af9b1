//===- RowCandidates.h - what one query row sees (reference internals) ---===//
//
// The forward and the backward reference walk the same thing: for one query
// row, every key/value pair it sees with its logit. Kept in one place so the
// two cannot disagree on visibility.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_REFERENCE_ROWCANDIDATES_H
#define MODA_LIB_REFERENCE_ROWCANDIDATES_H

#include "moda/Reference/Reference.h"

#include <cstddef>
#include <vector>

namespace moda::reference::detail {

/// Row-major offsets into the framework layouts.
struct Layout {
  const AttentionProblem &p;

  size_t query(int64_t b, int64_t t, int64_t hq) const {
    return static_cast<size_t>(((b * p.queries + t) * p.queryHeads + hq) *
                               p.headDim);
  }
  size_t key(int64_t b, int64_t s, int64_t h) const {
    return static_cast<size_t>(((b * p.keys + s) * p.kvHeads + h) * p.headDim);
  }
  size_t depthEntry(int64_t b, int64_t t, int64_t l, int64_t h) const {
    return static_cast<size_t>(
        (((b * p.queries + t) * p.depth + l) * p.kvHeads + h) * p.headDim);
  }
  size_t lse(int64_t b, int64_t hq, int64_t t) const {
    return static_cast<size_t>((b * p.queryHeads + hq) * p.queries + t);
  }
};

double dot(const double *a, const double *b, int64_t n);

/// One visible key/value pair of a row: its logit, and where its key and
/// value live (`offset` into the sequence tensors, or into the depth tensors
/// when `isDepth`).
struct Candidate {
  double logit;
  bool isDepth;
  size_t offset;
};

/// The keys/values that row (b, t, head h) sees, in any order: the softmax
/// does not depend on it.
void collectCandidates(const AttentionProblem &p, const Layout &layout,
                       const double *qRow, int64_t b, int64_t t, int64_t h,
                       const double *k, const double *depthK,
                       std::vector<Candidate> &out);

/// exp(logit - lse) for every candidate, and lse (the log-sum-exp), of a row
/// that sees at least one candidate.
double softmax(const std::vector<Candidate> &candidates,
               std::vector<double> &probabilities);

} // namespace moda::reference::detail

#endif // MODA_LIB_REFERENCE_ROWCANDIDATES_H
