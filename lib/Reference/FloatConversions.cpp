//===- FloatConversions.cpp - bf16 and IEEE half <-> float ----------------===//
//
// Bit-exact conversions, so that the reference sees the inputs exactly as the
// device stores them. Narrowing rounds to nearest, ties to even.
//
//===----------------------------------------------------------------------===//

#include "moda/Reference/Reference.h"

#include <cstring>

namespace moda::reference {

namespace {

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

constexpr uint32_t kFloatSignMask = 0x80000000u;
constexpr uint32_t kFloatAbsMask = 0x7FFFFFFFu;
constexpr uint32_t kFloatInfinity = 0x7F800000u;

/// Drops the low `shift` bits of `value`, rounding to nearest, ties to even.
uint32_t shiftRightRoundingToEven(uint32_t value, unsigned shift) {
  uint32_t kept = value >> shift;
  uint32_t dropped = value & ((1u << shift) - 1u);
  uint32_t halfway = 1u << (shift - 1u);
  if (dropped > halfway || (dropped == halfway && (kept & 1u)))
    ++kept;
  return kept;
}

} // namespace

float bf16ToFloat(uint16_t bits) { return floatOf(uint32_t(bits) << 16); }

uint16_t floatToBf16(float value) {
  uint32_t bits = bitsOf(value);
  if ((bits & kFloatAbsMask) > kFloatInfinity) // NaN: keep sign and payload
    return static_cast<uint16_t>((bits >> 16) | 0x0040u);
  // A carry out of the mantissa correctly bumps the exponent, up to Inf.
  return static_cast<uint16_t>(shiftRightRoundingToEven(bits, 16));
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = uint32_t(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1Fu;
  uint32_t mantissa = bits & 0x3FFu;
  if (exponent == 0x1Fu) // Inf or NaN
    return floatOf(sign | kFloatInfinity | (mantissa << 13));
  if (exponent != 0) // normal: rebias 15 -> 127
    return floatOf(sign | ((exponent + 112u) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return floatOf(sign);
  // Subnormal half, normal float: shift the leading 1 into the implicit bit.
  uint32_t floatExponent = 113u;
  while (!(mantissa & 0x400u)) {
    mantissa <<= 1;
    --floatExponent;
  }
  return floatOf(sign | (floatExponent << 23) | ((mantissa & 0x3FFu) << 13));
}

uint16_t floatToHalf(float value) {
  uint32_t bits = bitsOf(value);
  uint16_t sign = static_cast<uint16_t>((bits & kFloatSignMask) >> 16);
  uint32_t magnitude = bits & kFloatAbsMask;
  if (magnitude > kFloatInfinity) // NaN: quiet, leading payload kept
    return sign | 0x7E00u | static_cast<uint16_t>((magnitude >> 13) & 0x3FFu);
  if (magnitude >= 0x47800000u) // >= 2^16, Inf included: beyond rounding
    return sign | 0x7C00u;
  if (magnitude >= 0x38800000u) { // >= 2^-14: a normal half
    // Rebias 127 -> 15; rounding may carry into the exponent, up to Inf.
    return sign | static_cast<uint16_t>(
                      shiftRightRoundingToEven(magnitude - 0x38000000u, 13));
  }
  if (magnitude <= 0x33000000u) // <= 2^-25: rounds to zero (2^-25 is a tie)
    return sign;
  // A subnormal half counts units of 2^-24; a carry gives the smallest normal.
  uint32_t exponent = magnitude >> 23;
  uint32_t mantissa = (magnitude & 0x7FFFFFu) | 0x800000u;
  return sign | static_cast<uint16_t>(
                    shiftRightRoundingToEven(mantissa, 126u - exponent));
}

} // namespace moda::reference
