//===- Checked.h - int64_t arithmetic that reports overflow ---------------===//
//
// Sizes, element counts and grids come from manifests and callers, so any
// product of them may overflow int64_t (undefined behaviour, and a wrong
// launch in practice). Every such product goes through these helpers, and
// no sum of them is formed (ceilDivide avoids the usual one).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_RUNTIME_CHECKED_H
#define MODA_LIB_RUNTIME_CHECKED_H

#include <cstdint>

namespace moda::runtime {

/// `result = a * b`; false (and `result` unspecified) on overflow.
inline bool checkedMultiply(int64_t a, int64_t b, int64_t &result) {
  return !__builtin_mul_overflow(a, b, &result);
}

/// `result = a + b`; false (and `result` unspecified) on overflow.
inline bool checkedAdd(int64_t a, int64_t b, int64_t &result) {
  return !__builtin_add_overflow(a, b, &result);
}

/// ceil(numerator / divisor) for numerator >= 0 and divisor >= 1, without
/// the overflow of the usual (numerator + divisor - 1) / divisor.
inline int64_t ceilDivide(int64_t numerator, int64_t divisor) {
  return numerator / divisor + (numerator % divisor != 0 ? 1 : 0);
}

} // namespace moda::runtime

#endif // MODA_LIB_RUNTIME_CHECKED_H
