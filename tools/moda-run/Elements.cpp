//===- Elements.cpp - host values <-> device element bytes ----------------===//

#include "Elements.h"

#include "moda/Reference/Reference.h"
#include "moda/Runtime/moda_runtime.h"

#include <cstdint>
#include <cstring>

namespace moda::run {

using namespace moda::reference;

size_t elementBytes(int dtype) {
  return dtype == MODA_F32 || dtype == MODA_I32 ? 4 : 2;
}

namespace {

/// The 16-bit pattern of `value` in `dtype` (bf16 or f16).
uint16_t narrow(int dtype, float value) {
  return dtype == MODA_BF16 ? floatToBf16(value) : floatToHalf(value);
}

float widen(int dtype, uint16_t bits) {
  return dtype == MODA_BF16 ? bf16ToFloat(bits) : halfToFloat(bits);
}

} // namespace

void encodeElements(int dtype, std::vector<double> &values,
                    std::vector<unsigned char> &bytes) {
  size_t width = elementBytes(dtype);
  bytes.resize(values.size() * width);
  for (size_t i = 0; i < values.size(); ++i) {
    float single = static_cast<float>(values[i]);
    if (dtype == MODA_F32) {
      std::memcpy(&bytes[i * width], &single, width);
      values[i] = single;
    } else {
      uint16_t bits = narrow(dtype, single);
      std::memcpy(&bytes[i * width], &bits, width);
      values[i] = widen(dtype, bits);
    }
  }
}

std::vector<double> decodeElements(int dtype,
                                   const std::vector<unsigned char> &bytes) {
  size_t width = elementBytes(dtype);
  std::vector<double> values(bytes.size() / width);
  for (size_t i = 0; i < values.size(); ++i) {
    if (dtype == MODA_F32) {
      float single;
      std::memcpy(&single, &bytes[i * width], width);
      values[i] = single;
    } else {
      uint16_t bits;
      std::memcpy(&bits, &bytes[i * width], width);
      values[i] = widen(dtype, bits);
    }
  }
  return values;
}

} // namespace moda::run
