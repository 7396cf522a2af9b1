//===- Compare.cpp - error measures used to judge kernel results ----------===//

#include "moda/Reference/Reference.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace moda::reference {

namespace {
constexpr double kInfinity = std::numeric_limits<double>::infinity();
} // namespace

double relativeError(const double *actual, const double *expected, size_t n) {
  double differenceSquared = 0.0;
  double expectedSquared = 0.0;
  for (size_t i = 0; i < n; ++i) {
    if (!std::isfinite(actual[i]))
      return kInfinity;
    double difference = actual[i] - expected[i];
    differenceSquared += difference * difference;
    expectedSquared += expected[i] * expected[i];
  }
  if (expectedSquared == 0.0)
    return differenceSquared == 0.0 ? 0.0 : kInfinity;
  return std::sqrt(differenceSquared / expectedSquared);
}

double lseError(const double *actual, const double *expected, size_t n) {
  double differenceSquared = 0.0;
  double expectedSquared = 0.0;
  size_t finiteCount = 0;
  for (size_t i = 0; i < n; ++i) {
    bool expectsEmptyRow = expected[i] == -kInfinity;
    bool isEmptyRow = actual[i] == -kInfinity;
    if (expectsEmptyRow || isEmptyRow) {
      if (expectsEmptyRow != isEmptyRow)
        return kInfinity;
      continue;
    }
    if (!std::isfinite(actual[i]))
      return kInfinity;
    double difference = actual[i] - expected[i];
    differenceSquared += difference * difference;
    expectedSquared += expected[i] * expected[i];
    ++finiteCount;
  }
  if (finiteCount == 0)
    return 0.0;
  double floorSquared = static_cast<double>(finiteCount);
  return std::sqrt(differenceSquared / std::max(expectedSquared, floorSquared));
}

} // namespace moda::reference
