//===- AttentionBackward.cpp - float64 MoDA backward, one row at a time ---===//
//
// MODA.md section 3: with P the row's softmax over sequence and depth
// candidates, Delta = <dO, O>, dP_c = <dO, value_c>, dS_c = P_c (dP_c - Delta):
// dq += scale dS_c key_c, dkey_c += scale dS_c q, dvalue_c += P_c dO. Keys and
// values seen by several rows accumulate their rows' contributions.
//
//===----------------------------------------------------------------------===//

#include "RowCandidates.h"

#include <algorithm>
#include <vector>

namespace moda::reference {

using namespace detail;

void attentionBackward(const AttentionProblem &p, const double *q,
                       const double *k, const double *v, const double *depthK,
                       const double *depthV, const double *dOut, double *dq,
                       double *dk, double *dv, double *dDepthK,
                       double *dDepthV) {
  const Layout layout{p};
  const int64_t D = p.headDim;
  const int64_t groupSize = p.queryHeads / p.kvHeads;
  const size_t sequenceSize =
      static_cast<size_t>(p.batch * p.keys * p.kvHeads * D);
  const size_t depthSize =
      static_cast<size_t>(p.batch * p.queries * p.depth * p.kvHeads * D);
  std::fill(dq, dq + p.batch * p.queries * p.queryHeads * D, 0.0);
  if (dk) {
    std::fill(dk, dk + sequenceSize, 0.0);
    std::fill(dv, dv + sequenceSize, 0.0);
  }
  if (dDepthK) {
    std::fill(dDepthK, dDepthK + depthSize, 0.0);
    std::fill(dDepthV, dDepthV + depthSize, 0.0);
  }
  std::vector<Candidate> candidates;
  std::vector<double> probabilities, out(static_cast<size_t>(D));
  for (int64_t b = 0; b < p.batch; ++b) {
    for (int64_t hq = 0; hq < p.queryHeads; ++hq) {
      const int64_t h = hq / groupSize;
      for (int64_t t = 0; t < p.queries; ++t) {
        const size_t row = layout.query(b, t, hq);
        collectCandidates(p, layout, q + row, b, t, h, k, depthK, candidates);
        if (candidates.empty())
          continue; // out = 0 whatever the inputs: no gradient flows
        softmax(candidates, probabilities);
        auto value = [&](const Candidate &c) {
          return (c.isDepth ? depthV : v) + c.offset;
        };
        std::fill(out.begin(), out.end(), 0.0);
        for (size_t i = 0; i < candidates.size(); ++i)
          for (int64_t d = 0; d < D; ++d)
            out[d] += probabilities[i] * value(candidates[i])[d];
        const double delta = dot(dOut + row, out.data(), D);
        for (size_t i = 0; i < candidates.size(); ++i) {
          const Candidate &c = candidates[i];
          const double *key = (c.isDepth ? depthK : k) + c.offset;
          double *keyGrad = (c.isDepth ? dDepthK : dk) + c.offset;
          double *valueGrad = (c.isDepth ? dDepthV : dv) + c.offset;
          const double P = probabilities[i];
          const double dS = P * (dot(dOut + row, value(c), D) - delta);
          for (int64_t d = 0; d < D; ++d) {
            dq[row + d] += p.scale * dS * key[d];
            keyGrad[d] += p.scale * dS * q[row + d];
            valueGrad[d] += P * dOut[row + d];
          }
        }
      }
    }
  }
}

} // namespace moda::reference
