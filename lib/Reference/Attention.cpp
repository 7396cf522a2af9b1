//===- Attention.cpp - float64 MoDA forward, one row at a time ------------===//

#include "moda/Reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace moda::reference {

const char *checkProblem(const AttentionProblem &p) {
  if (p.batch < 0 || p.queries < 0 || p.keys < 0 || p.depth < 0)
    return "sizes B, T, S and L must be >= 0";
  if (p.queryHeads < 1 || p.kvHeads < 1 || p.headDim < 1)
    return "head counts and the head dimension must be >= 1";
  if (p.queryHeads % p.kvHeads != 0)
    return "the number of query heads must be a multiple of the number of "
           "key/value heads";
  if (p.visibility == Visibility::Chunk) {
    if (p.chunkSize < 1)
      return "chunk visibility needs a chunk size >= 1";
    if (p.keys != p.queries)
      return "chunk visibility needs S == T";
  }
  return nullptr;
}

namespace {

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

double dot(const double *a, const double *b, int64_t n) {
  double sum = 0.0;
  for (int64_t i = 0; i < n; ++i)
    sum += a[i] * b[i];
  return sum;
}

/// One visible key/value pair of a row: its logit and its value vector.
struct Candidate {
  double logit;
  const double *value;
};

/// The keys/values that row (b, t, head h) sees, in any order: the softmax
/// does not depend on it.
void collectCandidates(const AttentionProblem &p, const Layout &layout,
                       const double *qRow, int64_t b, int64_t t, int64_t h,
                       const double *k, const double *v, const double *depthK,
                       const double *depthV, std::vector<Candidate> &out) {
  out.clear();
  const int64_t D = p.headDim;
  if (p.visibility != Visibility::DepthOnly) {
    // Bottom-right alignment: the last query sees every key.
    int64_t lastVisible = p.causal ? std::min(p.keys - 1, t + (p.keys - p.queries))
                                   : p.keys - 1;
    for (int64_t s = 0; s <= lastVisible; ++s) {
      size_t at = layout.key(b, s, h);
      out.push_back({p.scale * dot(qRow, k + at, D), v + at});
    }
  }
  int64_t firstPosition =
      p.visibility == Visibility::Chunk ? (t / p.chunkSize) * p.chunkSize : t;
  for (int64_t position = firstPosition; position <= t; ++position) {
    for (int64_t l = 0; l < p.depth; ++l) {
      size_t at = layout.depthEntry(b, position, l, h);
      out.push_back({p.scale * dot(qRow, depthK + at, D), depthV + at});
    }
  }
}

} // namespace

void attentionForward(const AttentionProblem &p, const double *q,
                      const double *k, const double *v, const double *depthK,
                      const double *depthV, double *out, double *lse) {
  const Layout layout{p};
  const int64_t D = p.headDim;
  const int64_t groupSize = p.queryHeads / p.kvHeads;
  std::vector<Candidate> candidates;
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t hq = 0; hq < p.queryHeads; ++hq) {
      const int64_t h = hq / groupSize;
      for (int64_t t = 0; t < p.queries; ++t) {
        const double *qRow = q + layout.query(b, t, hq);
        double *outRow = out + layout.query(b, t, hq);
        collectCandidates(p, layout, qRow, b, t, h, k, v, depthK, depthV,
                          candidates);
        std::fill(outRow, outRow + D, 0.0);
        if (candidates.empty()) {
          lse[layout.lse(b, hq, t)] = -std::numeric_limits<double>::infinity();
          continue;
        }
        // Subtracting the row maximum keeps every exp() in (0, 1].
        double maxLogit = candidates.front().logit;
        for (const Candidate &c : candidates)
          maxLogit = std::max(maxLogit, c.logit);
        double normalizer = 0.0;
        for (const Candidate &c : candidates) {
          double weight = std::exp(c.logit - maxLogit);
          normalizer += weight;
          for (int64_t d = 0; d < D; ++d)
            outRow[d] += weight * c.value[d];
        }
        for (int64_t d = 0; d < D; ++d)
          outRow[d] /= normalizer;
        lse[layout.lse(b, hq, t)] = maxLogit + std::log(normalizer);
      }
    }
  }
}

} // namespace moda::reference
