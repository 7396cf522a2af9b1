//===- ManifestFuzzer.cpp - libFuzzer target: the manifest reader ---------===//
//
// The input is a manifest's text. parseManifest must accept or refuse it
// with a message, never crash, hang or trip ASan/UBSan. A manifest it
// accepts must then plan a call built from its own layout without a
// violation of checkPlan's rules (test/Runtime/TestCalls.h).
//
//===----------------------------------------------------------------------===//

#include "TestCalls.h"

#include <cstdio>
#include <cstdlib>

using namespace moda::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  Manifest manifest;
  Error error = parseManifest(text, "/nonexistent", manifest);
  if (error.failed()) {
    if (error.status != MODA_ERROR_MANIFEST || error.message.empty()) {
      std::fprintf(stderr, "refused without a manifest error: %s\n",
                   error.message.c_str());
      std::abort();
    }
    return 0;
  }
  // Sizes a call may use: the manifest's fixed ones, small ones otherwise
  // (S = T for chunk visibility, S = 0 without sequence keys).
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = {2, 70, 70, 3, 70};
  if (manifest.findTensor("k") < 0)
    sizes[MODA_SYMBOL_S] = 0;
  for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol)
    if (manifest.fixedSizes[symbol] >= 0)
      sizes[symbol] = manifest.fixedSizes[symbol];
  moda::test::Call call = moda::test::makeCall(manifest, sizes);
  LaunchPlan plan;
  std::array<int64_t, MODA_NUM_SYMBOLS> given =
      moda::test::callSizes(manifest, sizes);
  if (planLaunch(manifest, call.data(), call.size(), given.data(), plan).failed())
    return 0; // e.g. fixed sizes too large for a grid, or S != T for chunk
  std::string violation =
      moda::test::checkPlan(manifest, call.data(), call.size(), plan);
  if (!violation.empty()) {
    std::fprintf(stderr, "accepted manifest, wrong plan: %s\n",
                 violation.c_str());
    std::abort();
  }
  return 0;
}
