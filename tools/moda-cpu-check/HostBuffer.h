//===- HostBuffer.h - flat host buffers of the CPU check --------*- C++ -*-===//
//
// A host buffer in one element type with its exact values in float64 (what
// the reference reads), and the memref descriptor the launchers take.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_TOOLS_MODA_CPU_CHECK_HOSTBUFFER_H
#define MODA_TOOLS_MODA_CPU_CHECK_HOSTBUFFER_H

#include "AttentionCase.h"

#include <cstring>
#include <random>
#include <vector>

namespace moda::cpucheck {

/// A flat host buffer in one element type, with the exact values it holds
/// also in float64 (what the reference reads).
struct Buffer {
  ElementType type;
  std::vector<uint16_t> halfBits; // bf16 / f16
  std::vector<float> floats;      // f32
  std::vector<double> values;

  Buffer(ElementType type, size_t n) : type(type), values(n) {
    if (type == ElementType::F32)
      floats.resize(n);
    else
      halfBits.resize(n);
  }
  void *data() {
    return type == ElementType::F32 ? static_cast<void *>(floats.data())
                                    : static_cast<void *>(halfBits.data());
  }
  size_t size() const { return values.size(); }

  void fillRandom(std::mt19937_64 &rng) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    for (size_t i = 0; i < size(); ++i)
      set(i, normal(rng));
  }
  /// Every bit set: NaN in every element type, so an unwritten element fails.
  void poison() {
    if (size() == 0) // an empty vector's data() may be null: no memset
      return;
    std::memset(data(), 0xFF, size() * (type == ElementType::F32 ? 4 : 2));
  }
  /// Stores `value` rounded to the element type.
  void set(size_t i, float value) {
    switch (type) {
    case ElementType::BF16:
      halfBits[i] = reference::floatToBf16(value);
      break;
    case ElementType::F16:
      halfBits[i] = reference::floatToHalf(value);
      break;
    case ElementType::F32:
      floats[i] = value;
      break;
    }
    decode(i);
  }
  /// Re-reads `values` from the raw storage (after the kernel wrote it).
  void readBack() {
    for (size_t i = 0; i < size(); ++i)
      decode(i);
  }

private:
  /// values[i] = the exact value element i holds.
  void decode(size_t i) {
    switch (type) {
    case ElementType::BF16:
      values[i] = reference::bf16ToFloat(halfBits[i]);
      return;
    case ElementType::F16:
      values[i] = reference::halfToFloat(halfBits[i]);
      return;
    case ElementType::F32:
      values[i] = floats[i];
      return;
    }
  }
};

/// The five fields of a memref<?xT> descriptor, as the launcher takes them.
struct FlatDescriptor {
  void *allocated;
  void *aligned;
  int64_t offset, size, stride;
};


} // namespace moda::cpucheck

#endif // MODA_TOOLS_MODA_CPU_CHECK_HOSTBUFFER_H
