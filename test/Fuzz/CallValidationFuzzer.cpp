//===- CallValidationFuzzer.cpp - libFuzzer target: call validation -------===//
//
// planLaunch checks a call's tensors against a loaded manifest. The input
// picks one of the fixed manifests of test/Runtime/Inputs, the sizes B, T,
// S, L of a valid call of it (test::makeCall), then edits to that call:
//
//   byte 0             which manifest (modulo their number)
//   4 values           B, T, S, L
//   then, to the end   edits: an opcode byte and its operands
//
// A value is one byte below 0xF0 as itself, 0xF0-0xF7 one of the extremes
// in kExtremes, 0xF8-0xFF the next 8 bytes as a little-endian int64_t.
// Starting from a valid call keeps the fuzzer past the first check, so
// each edit probes one rule. planLaunch must never crash, and a call it
// accepts must satisfy checkPlan (parameters in ABI form, grids that cover
// the work); the harness never breaks the C API's contract itself (every
// shape array has MODA_MAX_RANK entries, num_tensors never exceeds the
// array).
//
//===----------------------------------------------------------------------===//

#include "TestCalls.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <limits>

using namespace moda::runtime;

namespace {

constexpr int64_t kExtremes[] = {
    -1, std::numeric_limits<int64_t>::min(), std::numeric_limits<int64_t>::max(),
    int64_t(1) << 31, int64_t(1) << 32, int64_t(1) << 53, int64_t(1) << 62,
    65535 * 128 + 1};

/// Reads the input front to back; past its end every read is 0.
class InputReader {
public:
  InputReader(const uint8_t *data, size_t size) : data(data), size(size) {}

  bool atEnd() const { return position >= size; }
  uint8_t byte() { return atEnd() ? 0 : data[position++]; }

  int64_t value() {
    uint8_t first = byte();
    if (first < 0xF0)
      return first;
    if (first < 0xF8)
      return kExtremes[first - 0xF0];
    uint64_t raw = 0;
    for (int i = 0; i < 8; ++i)
      raw |= uint64_t(byte()) << (8 * i);
    return static_cast<int64_t>(raw);
  }

private:
  const uint8_t *data;
  size_t size;
  size_t position = 0;
};

/// The fixed manifests, read once: every *.json of test/Runtime/Inputs and
/// of its packed/ folder, in name order.
const std::vector<Manifest> &fixedManifests() {
  static const std::vector<Manifest> manifests = [] {
    std::vector<std::string> names;
    for (std::string folder : {"", "packed/"})
      if (DIR *directory =
              opendir((std::string(MODA_FUZZ_MANIFEST_DIR) + "/" + folder).c_str())) {
        while (dirent *entry = readdir(directory)) {
          std::string name = entry->d_name;
          if (name.size() > 5 && name.compare(name.size() - 5, 5, ".json") == 0)
            names.push_back(folder + name);
        }
        closedir(directory);
      }
    std::sort(names.begin(), names.end());
    std::vector<Manifest> loaded;
    for (const std::string &name : names) {
      Manifest manifest;
      Error error =
          readManifest(std::string(MODA_FUZZ_MANIFEST_DIR) + "/" + name, manifest);
      if (error.failed()) {
        std::fprintf(stderr, "%s\n", error.message.c_str());
        std::abort();
      }
      loaded.push_back(std::move(manifest));
    }
    if (loaded.empty()) {
      std::fprintf(stderr, "no manifests in %s\n", MODA_FUZZ_MANIFEST_DIR);
      std::abort();
    }
    return loaded;
  }();
  return manifests;
}

/// The call under construction and what planLaunch will be passed.
struct FuzzedCall {
  moda::test::Call call;
  bool passNullArray = false;
  int count = 0;
};

/// Names a tensor may be given: the manifest's, one it does not know, NULL.
const char *pickName(const Manifest &manifest, uint8_t choice) {
  size_t index = choice % (manifest.tensors.size() + 2);
  if (index < manifest.tensors.size())
    return manifest.tensors[index].name.c_str();
  return index == manifest.tensors.size() ? "d_out_typo" : nullptr;
}

/// One edit of the call, chosen by the next opcode byte.
void applyEdit(const Manifest &manifest, InputReader &input, FuzzedCall &fuzzed) {
  std::vector<moda_tensor> &tensors = fuzzed.call.tensors;
  uint8_t opcode = input.byte();
  if (tensors.empty() && opcode % 11 < 9)
    return;
  size_t which = tensors.empty() ? 0 : input.byte() % tensors.size();
  switch (opcode % 11) {
  case 0: // drop a tensor
    tensors.erase(tensors.begin() + static_cast<std::ptrdiff_t>(which));
    break;
  case 1: { // pass a tensor twice
    moda_tensor copy = tensors[which];
    tensors.push_back(copy);
    break;
  }
  case 2:
    tensors[which].name = pickName(manifest, input.byte());
    break;
  case 3:
    tensors[which].dtype = static_cast<int8_t>(input.byte());
    break;
  case 4: // any rank; the shape array always has MODA_MAX_RANK entries
    tensors[which].rank = static_cast<int8_t>(input.byte()) % (MODA_MAX_RANK + 1);
    break;
  case 5: {
    auto *shape = const_cast<int64_t *>(tensors[which].shape);
    if (shape)
      shape[input.byte() % MODA_MAX_RANK] = input.value();
    break;
  }
  case 6: { // strides: dense row-major, then one entry changed
    std::vector<int64_t> strides(MODA_MAX_RANK, 1);
    const moda_tensor &tensor = tensors[which];
    int rank = std::clamp(tensor.rank, 0, MODA_MAX_RANK);
    // Extents clamped to 255: 255^7 strides cannot overflow in the harness.
    for (int d = rank - 2; d >= 0 && tensor.shape; --d)
      strides[d] = strides[d + 1] * std::clamp<int64_t>(tensor.shape[d + 1], 0, 255);
    strides[input.byte() % MODA_MAX_RANK] = input.value();
    fuzzed.call.strides.push_back(std::move(strides));
    tensors[which].strides = fuzzed.call.strides.back().data();
    break;
  }
  case 7: { // NULL or misaligned data (fake addresses: integer arithmetic)
    uintptr_t address = reinterpret_cast<uintptr_t>(tensors[which].data);
    tensors[which].data =
        input.byte() % 2 == 0
            ? nullptr
            : reinterpret_cast<void *>(address + 1 + input.byte() % 15);
    break;
  }
  case 8:
    tensors[which].shape = nullptr;
    break;
  case 9: // a count below the array's size, possibly negative
    fuzzed.count = static_cast<int>(tensors.size()) -
                   static_cast<int>(input.byte() % (tensors.size() + 3));
    return;
  case 10:
    fuzzed.passNullArray = true;
    return;
  }
  fuzzed.count = static_cast<int>(tensors.size());
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const std::vector<Manifest> &manifests = fixedManifests();
  InputReader input(data, size);
  const Manifest &manifest = manifests[input.byte() % manifests.size()];
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes;
  for (int64_t &value : sizes)
    value = input.value();
  FuzzedCall fuzzed;
  fuzzed.call = moda::test::makeCall(manifest, sizes);
  for (std::vector<int64_t> &shape : fuzzed.call.shapes)
    shape.resize(MODA_MAX_RANK, 1); // rank edits never read past the array
  for (moda_tensor &tensor : fuzzed.call.tensors)
    tensor.shape = fuzzed.call.shapes[&tensor - fuzzed.call.tensors.data()].data();
  fuzzed.count = fuzzed.call.size();
  while (!input.atEnd())
    applyEdit(manifest, input, fuzzed);

  const moda_tensor *tensors =
      fuzzed.passNullArray ? nullptr : fuzzed.call.data();
  LaunchPlan plan;
  std::array<int64_t, MODA_NUM_SYMBOLS> given =
      moda::test::callSizes(manifest, sizes);
  Error error = planLaunch(manifest, tensors, fuzzed.count, given.data(), plan);
  if (error.failed()) {
    if (error.message.empty()) {
      std::fprintf(stderr, "refused without a message\n");
      std::abort();
    }
    return 0;
  }
  std::string violation =
      moda::test::checkPlan(manifest, tensors, fuzzed.count, plan);
  if (!violation.empty()) {
    std::fprintf(stderr, "accepted call, wrong plan: %s\n", violation.c_str());
    std::abort();
  }
  return 0;
}
