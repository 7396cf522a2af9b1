//===- ReferenceTest.cpp - the float64 reference against a naive formula --===//
//
// The naive formula below is written independently of lib/Reference: it
// enumerates every key and every depth entry of the tensors, asks a separate
// visibility predicate whether the row sees it, and applies the textbook
// softmax (the tiny random inputs need no max subtraction).
//
//===----------------------------------------------------------------------===//

#include "moda/Reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

using namespace moda::reference;

namespace {

struct Inputs {
  std::vector<double> q, k, v, depthK, depthV;
};

Inputs randomInputs(const AttentionProblem &p, unsigned seed) {
  std::mt19937 generator(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  auto fill = [&](int64_t count) {
    std::vector<double> values(static_cast<size_t>(count));
    for (double &value : values)
      value = normal(generator);
    return values;
  };
  int64_t D = p.headDim;
  Inputs inputs;
  inputs.q = fill(p.batch * p.queries * p.queryHeads * D);
  inputs.k = fill(p.batch * p.keys * p.kvHeads * D);
  inputs.v = fill(p.batch * p.keys * p.kvHeads * D);
  inputs.depthK = fill(p.batch * p.queries * p.depth * p.kvHeads * D);
  inputs.depthV = fill(p.batch * p.queries * p.depth * p.kvHeads * D);
  return inputs;
}

bool seesKey(const AttentionProblem &p, int64_t t, int64_t s) {
  if (p.visibility == Visibility::DepthOnly)
    return false;
  return !p.causal || s - (p.keys - p.queries) <= t;
}

bool seesDepthOf(const AttentionProblem &p, int64_t t, int64_t position) {
  if (p.visibility != Visibility::Chunk)
    return position == t;
  return position <= t && position / p.chunkSize == t / p.chunkSize;
}

/// out and lse by direct enumeration.
void naiveForward(const AttentionProblem &p, const Inputs &in,
                  std::vector<double> &out, std::vector<double> &lse) {
  const int64_t B = p.batch, T = p.queries, S = p.keys, L = p.depth;
  const int64_t Hq = p.queryHeads, Hk = p.kvHeads, D = p.headDim;
  const int64_t G = Hq / Hk;
  out.assign(static_cast<size_t>(B * T * Hq * D), 0.0);
  lse.assign(static_cast<size_t>(B * Hq * T), 0.0);
  for (int64_t b = 0; b < B; ++b)
    for (int64_t hq = 0; hq < Hq; ++hq)
      for (int64_t t = 0; t < T; ++t) {
        int64_t h = hq / G;
        const double *qv = &in.q[((b * T + t) * Hq + hq) * D];
        std::vector<double> weights;
        std::vector<const double *> values;
        auto consider = [&](const double *key, const double *value) {
          double logit = 0;
          for (int64_t d = 0; d < D; ++d)
            logit += qv[d] * key[d];
          weights.push_back(std::exp(p.scale * logit));
          values.push_back(value);
        };
        for (int64_t s = 0; s < S; ++s)
          if (seesKey(p, t, s))
            consider(&in.k[((b * S + s) * Hk + h) * D],
                     &in.v[((b * S + s) * Hk + h) * D]);
        for (int64_t position = 0; position < T; ++position)
          for (int64_t l = 0; l < L; ++l)
            if (seesDepthOf(p, t, position)) {
              int64_t at = (((b * T + position) * L + l) * Hk + h) * D;
              consider(&in.depthK[at], &in.depthV[at]);
            }
        double sum = 0;
        for (double w : weights)
          sum += w;
        double *o = &out[((b * T + t) * Hq + hq) * D];
        for (size_t j = 0; j < weights.size(); ++j)
          for (int64_t d = 0; d < D; ++d)
            o[d] += weights[j] / sum * values[j][d];
        lse[(b * Hq + hq) * T + t] =
            weights.empty() ? -std::numeric_limits<double>::infinity()
                            : std::log(sum);
      }
}

struct Variant {
  const char *name;
  AttentionProblem problem;
};

AttentionProblem problem(int64_t T, int64_t S, int64_t L, bool causal,
                         Visibility visibility, int64_t chunkSize = 0) {
  // B = 2, Hq = 4, Hk = 2 (G = 2: head hq reads hq / 2, not hq % 2), D = 3.
  return AttentionProblem{2, T, S, L, 4, 2, 3, causal, visibility, chunkSize,
                          0.7};
}

// Names the variant in test output instead of dumping its bytes.
void PrintTo(const Variant &variant, std::ostream *os) { *os << variant.name; }

class ReferenceVariants : public ::testing::TestWithParam<Variant> {};

TEST_P(ReferenceVariants, MatchesNaiveFormula) {
  const AttentionProblem &p = GetParam().problem;
  ASSERT_EQ(checkProblem(p), nullptr);
  Inputs in = randomInputs(p, 42);
  std::vector<double> expectedOut, expectedLse;
  naiveForward(p, in, expectedOut, expectedLse);
  std::vector<double> out(expectedOut.size(), -1.0), lse(expectedLse.size());
  bool depthOnly = p.visibility == Visibility::DepthOnly;
  attentionForward(p, in.q.data(), depthOnly ? nullptr : in.k.data(),
                   depthOnly ? nullptr : in.v.data(),
                   p.depth ? in.depthK.data() : nullptr,
                   p.depth ? in.depthV.data() : nullptr, out.data(),
                   lse.data());
  for (size_t i = 0; i < out.size(); ++i)
    ASSERT_NEAR(out[i], expectedOut[i], 1e-12) << "out[" << i << "]";
  for (size_t i = 0; i < lse.size(); ++i) {
    if (std::isinf(expectedLse[i]))
      ASSERT_EQ(lse[i], expectedLse[i]) << "lse[" << i << "]";
    else
      ASSERT_NEAR(lse[i], expectedLse[i], 1e-12) << "lse[" << i << "]";
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllVariants, ReferenceVariants,
    ::testing::Values(
        Variant{"CausalPerPosition", problem(5, 5, 3, true, Visibility::PerPosition)},
        Variant{"CausalDecodeAgainstCache",
                problem(2, 6, 2, true, Visibility::PerPosition)},
        Variant{"NonCausalPerPosition",
                problem(4, 6, 2, false, Visibility::PerPosition)},
        Variant{"PlainAttentionNoDepth",
                problem(4, 4, 0, true, Visibility::PerPosition)},
        Variant{"CausalChunk", problem(7, 7, 2, true, Visibility::Chunk, 3)},
        Variant{"NonCausalChunk", problem(6, 6, 1, false, Visibility::Chunk, 2)},
        Variant{"DepthOnly", problem(5, 0, 3, false, Visibility::DepthOnly)},
        Variant{"EmptyRowsCausalShortCache",
                problem(4, 2, 0, true, Visibility::PerPosition)}),
    [](const ::testing::TestParamInfo<Variant> &info) {
      return std::string(info.param.name);
    });

// Logits [0, ln 2 ; ln 3] give weights 1, 2, 3 out of 6.
TEST(Reference, HandComputedRow) {
  AttentionProblem p{1, 1, 2, 1, 1, 1, 1, false, Visibility::PerPosition, 0,
                     1.0};
  double q[] = {1.0}, k[] = {0.0, std::log(2.0)}, v[] = {6.0, 0.0};
  double depthK[] = {std::log(3.0)}, depthV[] = {12.0};
  double out[1], lse[1];
  attentionForward(p, q, k, v, depthK, depthV, out, lse);
  EXPECT_NEAR(out[0], (6.0 * 1 + 0.0 * 2 + 12.0 * 3) / 6.0, 1e-14);
  EXPECT_NEAR(lse[0], std::log(6.0), 1e-14);
}

TEST(Reference, RowThatSeesNothingIsZeroWithMinusInfinityLse) {
  // Causal, T = 3, S = 1: rows 0 and 1 precede the only key; no depth.
  AttentionProblem p{1, 3, 1, 0, 1, 1, 2, true, Visibility::PerPosition, 0,
                     1.0};
  double q[] = {1, 2, 3, 4, 5, 6}, k[] = {1, 1}, v[] = {2, 3};
  double out[6], lse[3];
  std::fill(out, out + 6, std::nan(""));
  attentionForward(p, q, k, v, nullptr, nullptr, out, lse);
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(out[i], 0.0) << i;
  EXPECT_EQ(lse[0], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(lse[1], -std::numeric_limits<double>::infinity());
  EXPECT_EQ(out[4], 2.0);
  EXPECT_EQ(out[5], 3.0);
  EXPECT_DOUBLE_EQ(lse[2], 11.0);
}

TEST(Reference, LargeLogitsStayFinite) {
  // exp(1000) overflows a double; the row maximum must be subtracted.
  AttentionProblem p{1, 1, 2, 0, 1, 1, 1, false, Visibility::PerPosition, 0,
                     1.0};
  double q[] = {1000.0}, k[] = {1.0, 0.999}, v[] = {1.0, 3.0};
  double out[1], lse[1];
  attentionForward(p, q, k, v, nullptr, nullptr, out, lse);
  double w = std::exp(-1.0); // weight of the second key relative to the first
  EXPECT_NEAR(out[0], (1.0 + 3.0 * w) / (1.0 + w), 1e-12);
  EXPECT_NEAR(lse[0], 1000.0 + std::log1p(w), 1e-9);
}

TEST(Reference, CheckProblemRejectsInconsistentProblems) {
  AttentionProblem p = problem(4, 4, 1, true, Visibility::PerPosition);
  EXPECT_EQ(checkProblem(p), nullptr);
  AttentionProblem heads = p;
  heads.kvHeads = 3;
  EXPECT_NE(checkProblem(heads), nullptr);
  AttentionProblem chunk = problem(4, 4, 1, true, Visibility::Chunk, 0);
  EXPECT_NE(checkProblem(chunk), nullptr);
  chunk.chunkSize = 2;
  EXPECT_EQ(checkProblem(chunk), nullptr);
  chunk.keys = 5;
  EXPECT_STREQ(checkProblem(chunk), "chunk visibility needs S == T");
  AttentionProblem negative = p;
  negative.queries = -1;
  EXPECT_NE(checkProblem(negative), nullptr);
}

} // namespace
