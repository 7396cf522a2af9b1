//===- ReferenceBackwardTest.cpp - the float64 backward vs finite differences //
//
// The loss sum(out * dOut) has gradient attentionBackward(dOut) with respect
// to every input; each element is checked against a central difference of
// attentionForward, for every variant on tiny problems.
//
//===----------------------------------------------------------------------===//

#include "moda/Reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace moda::reference;

namespace {

struct Tensors {
  std::vector<double> q, k, v, depthK, depthV;
};

std::vector<double> randomVector(size_t n, std::mt19937 &generator) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> values(n);
  for (double &value : values)
    value = normal(generator);
  return values;
}

size_t queryCount(const AttentionProblem &p) {
  return static_cast<size_t>(p.batch * p.queries * p.queryHeads * p.headDim);
}

double loss(const AttentionProblem &p, const Tensors &in,
            const std::vector<double> &dOut) {
  std::vector<double> out(queryCount(p));
  std::vector<double> lse(static_cast<size_t>(p.batch * p.queryHeads * p.queries));
  attentionForward(p, in.q.data(), in.k.data(), in.v.data(), in.depthK.data(),
                   in.depthV.data(), out.data(), lse.data());
  double sum = 0.0;
  for (size_t i = 0; i < out.size(); ++i)
    sum += out[i] * dOut[i];
  return sum;
}

/// max |analytic - numeric| over a tensor, relative to its largest gradient.
double checkTensor(const AttentionProblem &p, Tensors &in,
                   std::vector<double> Tensors::*member,
                   const std::vector<double> &analytic,
                   const std::vector<double> &dOut) {
  std::vector<double> &values = in.*member;
  const double step = 1e-6;
  double worst = 0.0, scale = 1e-12;
  for (size_t i = 0; i < values.size(); ++i) {
    const double saved = values[i];
    values[i] = saved + step;
    const double up = loss(p, in, dOut);
    values[i] = saved - step;
    const double down = loss(p, in, dOut);
    values[i] = saved;
    const double numeric = (up - down) / (2 * step);
    worst = std::max(worst, std::fabs(numeric - analytic[i]));
    scale = std::max(scale, std::fabs(numeric));
  }
  return worst / scale;
}

struct Case {
  const char *name;
  AttentionProblem problem;
};

class BackwardTest : public ::testing::TestWithParam<Case> {};

TEST_P(BackwardTest, MatchesFiniteDifferences) {
  const AttentionProblem &p = GetParam().problem;
  ASSERT_EQ(checkProblem(p), nullptr);
  std::mt19937 generator(7);
  const size_t D = static_cast<size_t>(p.headDim);
  const size_t sequence = static_cast<size_t>(p.batch * p.keys * p.kvHeads) * D;
  const size_t depth =
      static_cast<size_t>(p.batch * p.queries * p.depth * p.kvHeads) * D;
  Tensors in{randomVector(queryCount(p), generator),
             randomVector(sequence, generator), randomVector(sequence, generator),
             randomVector(depth, generator), randomVector(depth, generator)};
  std::vector<double> dOut = randomVector(queryCount(p), generator);
  Tensors grad{std::vector<double>(queryCount(p)), std::vector<double>(sequence),
               std::vector<double>(sequence), std::vector<double>(depth),
               std::vector<double>(depth)};
  attentionBackward(p, in.q.data(), in.k.data(), in.v.data(), in.depthK.data(),
                    in.depthV.data(), dOut.data(), grad.q.data(), grad.k.data(),
                    grad.v.data(), grad.depthK.data(), grad.depthV.data());
  EXPECT_LT(checkTensor(p, in, &Tensors::q, grad.q, dOut), 1e-6) << "dq";
  EXPECT_LT(checkTensor(p, in, &Tensors::k, grad.k, dOut), 1e-6) << "dk";
  EXPECT_LT(checkTensor(p, in, &Tensors::v, grad.v, dOut), 1e-6) << "dv";
  EXPECT_LT(checkTensor(p, in, &Tensors::depthK, grad.depthK, dOut), 1e-6)
      << "d_depth_k";
  EXPECT_LT(checkTensor(p, in, &Tensors::depthV, grad.depthV, dOut), 1e-6)
      << "d_depth_v";
}

AttentionProblem problem(int64_t t, int64_t s, int64_t l, bool causal,
                         Visibility visibility, int64_t chunk = 0) {
  return {1, t, s, l, /*queryHeads=*/4, /*kvHeads=*/2, /*headDim=*/3, causal,
          visibility, chunk, 0.6};
}

INSTANTIATE_TEST_SUITE_P(
    EveryVariant, BackwardTest,
    ::testing::Values(
        Case{"causal", problem(4, 4, 2, true, Visibility::PerPosition)},
        Case{"decode", problem(2, 5, 3, true, Visibility::PerPosition)},
        Case{"full", problem(3, 5, 1, false, Visibility::PerPosition)},
        Case{"no_depth", problem(3, 3, 0, true, Visibility::PerPosition)},
        Case{"rows_seeing_nothing", problem(5, 2, 0, true, Visibility::PerPosition)},
        Case{"chunk", problem(5, 5, 2, true, Visibility::Chunk, 2)},
        Case{"depth_only", problem(3, 0, 3, false, Visibility::DepthOnly)}),
    [](const ::testing::TestParamInfo<Case> &info) { return info.param.name; });

} // namespace
