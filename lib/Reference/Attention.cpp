//===- Attention.cpp - float64 MoDA forward, one row at a time ------------===//

#include "RowCandidates.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace moda::reference {

using namespace detail;

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

void attentionForward(const AttentionProblem &p, const double *q,
                      const double *k, const double *v, const double *depthK,
                      const double *depthV, double *out, double *lse) {
  const Layout layout{p};
  const int64_t D = p.headDim;
  const int64_t groupSize = p.queryHeads / p.kvHeads;
  std::vector<Candidate> candidates;
  std::vector<double> probabilities;
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t hq = 0; hq < p.queryHeads; ++hq) {
      const int64_t h = hq / groupSize;
      for (int64_t t = 0; t < p.queries; ++t) {
        const double *qRow = q + layout.query(b, t, hq);
        double *outRow = out + layout.query(b, t, hq);
        collectCandidates(p, layout, qRow, b, t, h, k, depthK, candidates);
        std::fill(outRow, outRow + D, 0.0);
        if (candidates.empty()) {
          lse[layout.lse(b, hq, t)] = -std::numeric_limits<double>::infinity();
          continue;
        }
        lse[layout.lse(b, hq, t)] = softmax(candidates, probabilities);
        for (size_t i = 0; i < candidates.size(); ++i) {
          const double *value =
              (candidates[i].isDepth ? depthV : v) + candidates[i].offset;
          for (int64_t d = 0; d < D; ++d)
            outRow[d] += probabilities[i] * value[d];
        }
      }
    }
  }
}

} // namespace moda::reference
