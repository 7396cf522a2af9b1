//===- RowCandidates.cpp - what one query row sees ------------------------===//

#include "RowCandidates.h"

#include <algorithm>
#include <cmath>

namespace moda::reference::detail {

double dot(const double *a, const double *b, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i)
    sum += a[i] * b[i];
  return sum;
}

void collectCandidates(const AttentionProblem &p, const Layout &layout,
                       const double *qRow, int64_t b, int64_t t, int64_t h,
                       const double *k, const double *depthK,
                       std::vector<Candidate> &out) {
  out.clear();
  const int64_t D = p.headDim;
  if (p.visibility != Visibility::DepthOnly) {
    // Bottom-right alignment: the last query sees every key.
    int64_t lastVisible = p.causal ? std::min(p.keys - 1, t + (p.keys - p.queries))
                                   : p.keys - 1;
    for (int64_t s = 0; s <= lastVisible; ++s) {
      size_t at = layout.key(b, s, h);
      out.push_back({p.scale * dot(qRow, k + at, D), false, at});
    }
  }
  int64_t firstPosition =
      p.visibility == Visibility::Chunk ? (t / p.chunkSize) * p.chunkSize : t;
  for (int64_t position = firstPosition; position <= t; ++position) {
    for (int64_t l = 0; l < p.depth; ++l) {
      size_t at = layout.depthEntry(b, position, l, h);
      out.push_back({p.scale * dot(qRow, depthK + at, D), true, at});
    }
  }
}

double softmax(const std::vector<Candidate> &candidates,
               std::vector<double> &probabilities) {
  // Subtracting the row maximum keeps every exp() in (0, 1].
  double maxLogit = candidates.front().logit;
  for (const Candidate &c : candidates)
    maxLogit = std::max(maxLogit, c.logit);
  double normalizer = 0.0;
  probabilities.resize(candidates.size());
  for (size_t i = 0; i < candidates.size(); ++i) {
    probabilities[i] = std::exp(candidates[i].logit - maxLogit);
    normalizer += probabilities[i];
  }
  for (double &probability : probabilities)
    probability /= normalizer;
  return maxLogit + std::log(normalizer);
}

} // namespace moda::reference::detail
