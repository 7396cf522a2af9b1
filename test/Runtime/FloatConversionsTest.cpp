//===- FloatConversionsTest.cpp - bf16 / half <-> float -------------------===//

#include "moda/Reference/Reference.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

using namespace moda::reference;

namespace {

float floatOf(uint32_t bits) {
  float value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

uint32_t bitsOf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

constexpr float kInf = std::numeric_limits<float>::infinity();

bool isBf16Nan(uint16_t bits) { return (bits & 0x7F80) == 0x7F80 && (bits & 0x7F); }
bool isHalfNan(uint16_t bits) { return (bits & 0x7C00) == 0x7C00 && (bits & 0x3FF); }

TEST(Bf16, EveryPatternRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    uint16_t pattern = static_cast<uint16_t>(bits);
    float value = bf16ToFloat(pattern);
    if (isBf16Nan(pattern)) {
      ASSERT_TRUE(std::isnan(value)) << std::hex << bits;
      ASSERT_TRUE(isBf16Nan(floatToBf16(value))) << std::hex << bits;
      continue;
    }
    ASSERT_EQ(floatToBf16(value), pattern) << std::hex << bits;
  }
}

TEST(Bf16, RoundsToNearestTiesToEven) {
  EXPECT_EQ(floatToBf16(floatOf(0x3F808000)), 0x3F80); // tie, 0x3F80 even
  EXPECT_EQ(floatToBf16(floatOf(0x3F818000)), 0x3F82); // tie, 0x3F82 even
  EXPECT_EQ(floatToBf16(floatOf(0x3F808001)), 0x3F81); // above the tie
  EXPECT_EQ(floatToBf16(floatOf(0x3F807FFF)), 0x3F80); // below the tie
  EXPECT_EQ(floatToBf16(floatOf(0xBF818000)), 0xBF82); // sign is kept
}

TEST(Bf16, InfinityNanAndOverflow) {
  EXPECT_EQ(floatToBf16(kInf), 0x7F80);
  EXPECT_EQ(floatToBf16(-kInf), 0xFF80);
  EXPECT_EQ(floatToBf16(std::numeric_limits<float>::max()), 0x7F80);
  EXPECT_EQ(bf16ToFloat(0x7F80), kInf);
  uint16_t nan = floatToBf16(std::numeric_limits<float>::quiet_NaN());
  EXPECT_TRUE(isBf16Nan(nan));
  // A signalling NaN whose payload lives only in the dropped bits stays NaN.
  EXPECT_TRUE(isBf16Nan(floatToBf16(floatOf(0xFF800001))));
  EXPECT_EQ(floatToBf16(floatOf(0xFF800001)) & 0x8000, 0x8000);
  EXPECT_EQ(bf16ToFloat(0x3F80), 1.0f);
  EXPECT_EQ(bf16ToFloat(0xC000), -2.0f);
}

TEST(Half, EveryPatternRoundTrips) {
  for (uint32_t bits = 0; bits <= 0xFFFF; ++bits) {
    uint16_t pattern = static_cast<uint16_t>(bits);
    float value = halfToFloat(pattern);
    if (isHalfNan(pattern)) {
      ASSERT_TRUE(std::isnan(value)) << std::hex << bits;
      ASSERT_TRUE(isHalfNan(floatToHalf(value))) << std::hex << bits;
      continue;
    }
    ASSERT_EQ(floatToHalf(value), pattern) << std::hex << bits;
  }
}

TEST(Half, KnownValues) {
  EXPECT_EQ(halfToFloat(0x3C00), 1.0f);
  EXPECT_EQ(halfToFloat(0xC000), -2.0f);
  EXPECT_EQ(halfToFloat(0x7BFF), 65504.0f);
  EXPECT_EQ(halfToFloat(0x0001), std::ldexp(1.0f, -24)); // smallest subnormal
  EXPECT_EQ(halfToFloat(0x03FF), 1023 * std::ldexp(1.0f, -24));
  EXPECT_EQ(halfToFloat(0x0400), std::ldexp(1.0f, -14)); // smallest normal
  EXPECT_EQ(halfToFloat(0x7C00), kInf);
  EXPECT_EQ(halfToFloat(0xFC00), -kInf);
  EXPECT_EQ(bitsOf(halfToFloat(0x8000)), 0x80000000u); // -0 stays -0
}

TEST(Half, RoundsToNearestTiesToEven) {
  float one = 1.0f, ulp = std::ldexp(1.0f, -10);
  EXPECT_EQ(floatToHalf(one + ulp / 2), 0x3C00);       // tie, even is 1.0
  EXPECT_EQ(floatToHalf(one + 3 * ulp / 2), 0x3C02);   // tie, even is up
  EXPECT_EQ(floatToHalf(one + ulp * 0.5001f), 0x3C01); // above the tie
  EXPECT_EQ(floatToHalf(-(one + 3 * ulp / 2)), 0xBC02);
}

TEST(Half, SubnormalsAndUnderflow) {
  float unit = std::ldexp(1.0f, -24);
  EXPECT_EQ(floatToHalf(unit), 0x0001);
  EXPECT_EQ(floatToHalf(unit / 2), 0x0000);       // tie with 0: even is 0
  EXPECT_EQ(floatToHalf(-unit / 2), 0x8000);      // sign kept
  EXPECT_EQ(floatToHalf(unit * 0.75f), 0x0001);   // above the tie
  EXPECT_EQ(floatToHalf(unit * 1.5f), 0x0002);    // tie 1|2: even is 2
  EXPECT_EQ(floatToHalf(unit * 2.5f), 0x0002);    // tie 2|3: even is 2
  EXPECT_EQ(floatToHalf(unit / 4), 0x0000);
  EXPECT_EQ(floatToHalf(1023.5f * unit), 0x0400); // carries into the normals
  EXPECT_EQ(floatToHalf(std::ldexp(1.0f, -14)), 0x0400);
}

TEST(Half, OverflowInfinityAndNan) {
  EXPECT_EQ(floatToHalf(65504.0f), 0x7BFF);
  EXPECT_EQ(floatToHalf(65519.0f), 0x7BFF); // below the tie with 65536
  EXPECT_EQ(floatToHalf(65520.0f), 0x7C00); // tie: even is 2^16 = Inf
  EXPECT_EQ(floatToHalf(1e6f), 0x7C00);
  EXPECT_EQ(floatToHalf(-1e6f), 0xFC00);
  EXPECT_EQ(floatToHalf(kInf), 0x7C00);
  EXPECT_EQ(floatToHalf(-kInf), 0xFC00);
  EXPECT_TRUE(isHalfNan(floatToHalf(std::numeric_limits<float>::quiet_NaN())));
  EXPECT_TRUE(isHalfNan(floatToHalf(floatOf(0x7F800001)))); // low payload
}

/// Nearest-value property on random floats: no neighbour is closer, and on
/// a tie the result is the even one.
template <typename ToBits, typename FromBits>
void expectNearestEven(ToBits toBits, FromBits fromBits, float range,
                       unsigned seed) {
  std::mt19937 generator(seed);
  std::uniform_real_distribution<float> uniform(-range, range);
  for (int i = 0; i < 100000; ++i) {
    float value = uniform(generator) * std::ldexp(1.0f, -(i % 30));
    uint16_t bits = toBits(value);
    double error = std::fabs(double(fromBits(bits)) - value);
    for (int step : {-1, 1}) {
      uint16_t neighbour = static_cast<uint16_t>(bits + step);
      if ((neighbour & 0x7FFF) == 0 && (bits & 0x7FFF) == 0)
        continue; // stepping across zero is a sign change, not a neighbour
      double neighbourError = std::fabs(double(fromBits(neighbour)) - value);
      if (std::isnan(neighbourError))
        continue;
      ASSERT_LE(error, neighbourError) << value;
      if (error == neighbourError) {
        ASSERT_EQ(bits & 1, 0) << "tie not rounded to even: " << value;
      }
    }
  }
}

TEST(Bf16, RandomValuesRoundToNearest) {
  expectNearestEven(floatToBf16, bf16ToFloat, 1e30f, 1);
}

TEST(Half, RandomValuesRoundToNearest) {
  expectNearestEven(floatToHalf, halfToFloat, 60000.0f, 2);
}

} // namespace
