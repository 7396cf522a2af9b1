//===- CompareTest.cpp - relativeError and lseError -----------------------===//

#include "moda/Reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace moda::reference;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
const double kNan = std::nan("");

TEST(RelativeError, FrobeniusRatio) {
  double expected[] = {3.0, 4.0}; // norm 5
  double actual[] = {3.0, 4.5};   // difference norm 0.5
  EXPECT_DOUBLE_EQ(relativeError(actual, expected, 2), 0.1);
  EXPECT_EQ(relativeError(expected, expected, 2), 0.0);
}

TEST(RelativeError, NonFiniteActualIsInfinite) {
  double expected[] = {1.0, 2.0};
  double withNan[] = {1.0, kNan};
  double withInf[] = {-kInf, 2.0};
  EXPECT_EQ(relativeError(withNan, expected, 2), kInf);
  EXPECT_EQ(relativeError(withInf, expected, 2), kInf);
}

TEST(RelativeError, ZeroExpected) {
  double zeros[] = {0.0, 0.0}, small[] = {0.0, 1e-30};
  EXPECT_EQ(relativeError(zeros, zeros, 2), 0.0);
  EXPECT_EQ(relativeError(small, zeros, 2), kInf);
}

TEST(LseError, EmptyRowsMustMatchExactly) {
  double expected[] = {-kInf, 2.0};
  double matching[] = {-kInf, 2.0};
  double finiteForEmpty[] = {-80.0, 2.0};
  double emptyForFinite[] = {-kInf, -kInf};
  EXPECT_EQ(lseError(matching, expected, 2), 0.0);
  EXPECT_EQ(lseError(finiteForEmpty, expected, 2), kInf);
  EXPECT_EQ(lseError(emptyForFinite, expected, 2), kInf);
}

TEST(LseError, NanOrPlusInfinityFails) {
  double expected[] = {1.0, 2.0};
  double withNan[] = {kNan, 2.0}, withInf[] = {1.0, kInf};
  EXPECT_EQ(lseError(withNan, expected, 2), kInf);
  EXPECT_EQ(lseError(withInf, expected, 2), kInf);
}

TEST(LseError, RelativeOverFiniteEntries) {
  double expected[] = {-kInf, 30.0, 40.0}; // finite norm 50 > sqrt(2)
  double actual[] = {-kInf, 30.0, 40.5};
  EXPECT_DOUBLE_EQ(lseError(actual, expected, 3), 0.01);
}

TEST(LseError, DenominatorFlooredForSmallLse) {
  // lse near 0 (normalizer near 1): the error is absolute (RMS), not blown up.
  double expected[] = {0.0, 0.0, 0.0, 0.0};
  double actual[] = {1e-3, -1e-3, 1e-3, -1e-3};
  EXPECT_DOUBLE_EQ(lseError(actual, expected, 4), 1e-3);
}

} // namespace
