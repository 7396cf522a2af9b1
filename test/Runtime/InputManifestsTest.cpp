//===- InputManifestsTest.cpp - the manifests of test/Runtime/Inputs ------===//
//
// Inputs/ holds the valid manifests the tests edit, which are also the
// fuzzers' seeds and the call fuzzer's fixed manifests: each must read, and
// a call built from its layout must plan a launch that covers the work.
//
//===----------------------------------------------------------------------===//

#include "TestCalls.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

using namespace moda::runtime;

namespace {

std::vector<std::string> inputNames() {
  std::vector<std::string> names;
  for (const auto &entry :
       std::filesystem::directory_iterator(MODA_TEST_INPUTS_DIR))
    if (entry.path().extension() == ".json")
      names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

TEST(InputManifests, EachReadsAndPlansAValidCall) {
  std::vector<std::string> names = inputNames();
  EXPECT_EQ(names,
            (std::vector<std::string>{"attention.json", "attention_depth_only.json",
                                      "attention_grad.json",
                                      "attention_grad_fused.json",
                                      "attention_views.json"}));
  for (const std::string &name : names) {
    Manifest manifest;
    Error error = parseManifest(moda::test::readInput(name), ".", manifest);
    ASSERT_FALSE(error.failed()) << name << ": " << error.message;
    // S = 0 without sequence keys; L as the manifest fixes it, else 3.
    bool sequence = manifest.findTensor("k") >= 0;
    int64_t depth = manifest.fixedSizes[MODA_SYMBOL_L] >= 0
                        ? manifest.fixedSizes[MODA_SYMBOL_L]
                        : 3;
    moda::test::Call call =
        moda::test::makeCall(manifest, {2, 300, sequence ? 500 : 0, depth});
    LaunchPlan plan;
    error = planLaunch(manifest, call.data(), call.size(), plan);
    ASSERT_FALSE(error.failed()) << name << ": " << error.message;
    EXPECT_FALSE(plan.nothingToDo) << name;
    EXPECT_EQ(moda::test::checkPlan(manifest, call.data(), call.size(), plan),
              "")
        << name;
  }
}

TEST(InputManifests, CheckPlanNoticesAGridThatMissesWork) {
  // The oracle the fuzzers rely on must itself reject a short grid.
  Manifest manifest;
  ASSERT_FALSE(
      parseManifest(moda::test::exampleManifest(), ".", manifest).failed());
  moda::test::Call call = moda::test::makeCall(manifest, {2, 300, 500, 3});
  LaunchPlan plan;
  ASSERT_FALSE(planLaunch(manifest, call.data(), call.size(), plan).failed());
  plan.launchGrids[0][2] = 1; // one batch entry of two
  EXPECT_EQ(moda::test::checkPlan(manifest, call.data(), call.size(), plan),
            "launch 0: grid[2] = 1 is not ceil of its formula's work");
  plan.launchGrids[0][2] = 2;
  plan.launchGrids[0][0] -= 1; // ceil(300 * 4 / 128) = 10 blocks, not 9
  EXPECT_EQ(moda::test::checkPlan(manifest, call.data(), call.size(), plan),
            "launch 0: grid[0] = 9 is not ceil of its formula's work");
  plan.launchGrids[0][0] += 1;
  plan.parameterValues[3] += 1; // q's element count, 2 * 300 * 8 * 64
  EXPECT_EQ(moda::test::checkPlan(manifest, call.data(), call.size(), plan),
            "parameter value 3 is 307201 but the ABI needs 307200");
}

} // namespace
