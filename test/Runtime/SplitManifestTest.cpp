//===- SplitManifestTest.cpp - manifests of split-KV forwards -------------===//
//
// Inputs/split/attention_split.json is what moda-compile writes for a
// split-KV forward (bf16, causal, Hq = 8, Hk = 2, D = 64, kv_splits = 3,
// every size dynamic): two launches, the split kernel on a grid of
// Hk * kv_splits blocks per query block and the merge on the forward's
// grid, and the f32 scratch tensors partial_out [3, B, T, Hq, D] and
// partial_lse [3, B, Hq, T] that the caller allocates.
//
//===----------------------------------------------------------------------===//

#include "TestCalls.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

using namespace moda::runtime;
using moda::test::replaceOnce;

namespace {

std::string splitManifest() {
  return moda::test::readInput("split/attention_split.json");
}

TEST(SplitManifest, ReadsTwoLaunchesAndTheScratch) {
  Manifest m;
  Error error = parseManifest(splitManifest(), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.kvSplits, 3);
  ASSERT_EQ(m.launches.size(), 2u);
  EXPECT_EQ(m.launches[0].entry, "moda_attention_0");
  EXPECT_EQ(m.launches[1].entry, "moda_attention_0_merge");
  EXPECT_EQ(m.launches[0].grid[1].constant, 6);
  EXPECT_EQ(m.launches[1].grid[1].constant, 2);
  for (const char *name : {"partial_out", "partial_lse"}) {
    const TensorSpec &partial = m.tensors[m.findTensor(name)];
    EXPECT_EQ(partial.role, MODA_ROLE_SCRATCH) << name;
    EXPECT_EQ(partial.dtype, MODA_F32) << name;
    EXPECT_EQ(partial.shape[0].extent, 3) << name;
    EXPECT_EQ(partial.shape[1].symbol, MODA_SYMBOL_B) << name;
  }
}

TEST(SplitManifest, PlansACallOfBothKernels) {
  Manifest m;
  ASSERT_FALSE(parseManifest(splitManifest(), ".", m).failed());
  // One new token per sequence against 500 cached keys.
  moda::test::Call call = moda::test::makeCall(m, {4, 1, 500, 3});
  LaunchPlan plan;
  Error error = planLaunch(m, call.data(), call.size(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  ASSERT_EQ(plan.launchGrids.size(), 2u);
  EXPECT_EQ(plan.launchGrids[0], (std::array<unsigned, 3>{1, 6, 4}));
  EXPECT_EQ(plan.launchGrids[1], (std::array<unsigned, 3>{1, 2, 4}));
  EXPECT_EQ(moda::test::checkPlan(m, call.data(), call.size(), plan), "");
}

TEST(SplitManifest, RefusesAGridWithoutTheSplits) {
  Manifest m;
  std::string text = replaceOnce(splitManifest(), "\"constant\": 6", "\"constant\": 2");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "launches[0].grid[1] is 2 but the kernel's grid needs "
            "num_kv_heads * kv_splits = 6");
}

TEST(SplitManifest, RefusesAMissingPartialResult) {
  Manifest m;
  std::string text = splitManifest();
  size_t begin = text.find("{\n      \"dtype\": \"f32\",\n      \"name\": \"partial_lse\"");
  ASSERT_NE(begin, std::string::npos);
  size_t end = text.find('}', begin);
  // The entry and the comma before it.
  size_t comma = text.rfind(',', begin);
  text.erase(comma, end + 1 - comma);
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "tensor \"partial_lse\" is missing from tensors (config.kv_splits "
            "is 3)");
}

TEST(SplitManifest, RefusesPartialsWithoutSplits) {
  // Without kv_splits the partial results are no tensor of the ABI.
  Manifest m;
  std::string text = replaceOnce(splitManifest(), "\"kv_splits\": 3,", "");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "tensors[7]: unknown tensor name \"partial_out\" (expected q, k, "
            "v, depth_k, depth_v, out, lse)");
}

TEST(SplitManifest, RefusesMergeOutOfOrder) {
  Manifest m;
  std::string text = replaceOnce(splitManifest(), "\"moda_attention_0_merge\"",
                                 "\"moda_attention_0_combine\"");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "launches[1].kernel is \"moda_attention_0_combine\" but the "
            "launch order needs \"moda_attention_0_merge\"");
}

TEST(SplitManifest, RefusesSplitsInABackward) {
  Manifest m;
  std::string text = replaceOnce(moda::test::readInput("attention_grad.json"),
                                 "\"num_stages\"", "\"kv_splits\": 2, \"num_stages\"");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "config.kv_splits is 2 but a backward does not split keys (1)");
}

TEST(SplitManifest, RefusesAScratchView) {
  Manifest m;
  std::string text =
      replaceOnce(splitManifest(), "\"name\": \"partial_out\",",
                  "\"name\": \"partial_out\", \"strided\": true,");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "tensors[7]: tensor partial_out cannot be strided (the partial "
            "results are contiguous)");
}

} // namespace
