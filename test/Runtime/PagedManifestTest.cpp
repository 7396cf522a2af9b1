//===- PagedManifestTest.cpp - manifests of a paged KV cache --------------===//
//
// Inputs/paged/attention_paged.json is what moda-compile writes for a
// decoding forward over a paged KV cache (bf16, causal, Hq = 8, Hk = 2,
// D = 64, L dynamic, B = 2, T = 1, pages of 64 keys, 16 pages per batch
// entry, split-KV): k and v a pool of N pages, the block table (i32,
// [B, 16]) after lse, the size N, and S (the cached keys) given by the
// call.
//
//===----------------------------------------------------------------------===//

#include "TestCalls.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

using namespace moda::runtime;
using moda::test::replaceOnce;

namespace {

std::string pagedManifest() {
  return moda::test::readInput("paged/attention_paged.json");
}

/// A call over a pool of `pages` pages with a block table of `width`
/// pages per batch entry and L = 3 depth entries.
moda::test::Call pagedCall(int64_t pages, int64_t width = 16) {
  moda::test::Call call;
  uintptr_t address = 0x10000;
  auto add = [&](const char *name, int dtype, std::vector<int64_t> shape) {
    call.add(name, dtype, std::move(shape), address);
    address += 0x1000000;
  };
  add("q", MODA_BF16, {2, 1, 8, 64});
  add("k", MODA_BF16, {pages, 64, 2, 64});
  add("v", MODA_BF16, {pages, 64, 2, 64});
  add("depth_k", MODA_BF16, {2, 1, 3, 2, 64});
  add("depth_v", MODA_BF16, {2, 1, 3, 2, 64});
  add("out", MODA_BF16, {2, 1, 8, 64});
  add("lse", MODA_F32, {2, 8, 1});
  add("block_table", MODA_I32, {2, width});
  add("partial_out", MODA_F32, {33, 2, 1, 8, 64});
  add("partial_lse", MODA_F32, {33, 2, 8, 1});
  return call;
}

/// sizes[] with S = `keys` and every other size from the tensors.
std::array<int64_t, MODA_NUM_SYMBOLS> withS(int64_t keys) {
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes;
  sizes.fill(-1);
  sizes[MODA_SYMBOL_S] = keys;
  return sizes;
}

TEST(PagedManifest, ReadsThePoolAndTheBlockTable) {
  Manifest m;
  Error error = parseManifest(pagedManifest(), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(m.paged());
  EXPECT_EQ(m.pageSize, 64);
  EXPECT_EQ(m.pagesPerEntry, 16);
  const TensorSpec &k = m.tensors[m.findTensor("k")];
  ASSERT_EQ(k.shape.size(), 4u);
  EXPECT_EQ(k.shape[0].symbol, MODA_SYMBOL_N);
  EXPECT_FALSE(k.shape[1].isSymbolic());
  EXPECT_EQ(k.shape[1].extent, 64);
  const TensorSpec &table = m.tensors[m.findTensor("block_table")];
  EXPECT_EQ(table.dtype, MODA_I32);
  ASSERT_EQ(table.shape.size(), 2u);
  EXPECT_EQ(table.shape[0].symbol, MODA_SYMBOL_B);
  EXPECT_EQ(table.shape[1].extent, 16);
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_S], -1);
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_N], -1);
}

TEST(PagedManifest, PlansACallWithTheCallersS) {
  Manifest m;
  ASSERT_FALSE(parseManifest(pagedManifest(), ".", m).failed());
  moda::test::Call call = pagedCall(40);
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withS(500);
  LaunchPlan plan;
  Error error = planLaunch(m, call.data(), call.size(), sizes.data(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  // B, T, L from q and depth, S the call's, N the pool's pages.
  EXPECT_EQ(plan.sizes, (std::array<int64_t, MODA_NUM_SYMBOLS>{2, 1, 500, 3, 40}));
  // The block table's descriptor follows lse's: the 8th buffer.
  EXPECT_EQ(m.parameters[7].tensorIndex, m.findTensor("block_table"));
  EXPECT_EQ(plan.parameterValues[7 * 5 + 3], 32u); // its 2 x 16 entries
  EXPECT_EQ(moda::test::checkPlan(m, call.data(), call.size(), plan), "");
  // A full table: 16 pages of 64 keys.
  sizes = withS(1024);
  EXPECT_FALSE(planLaunch(m, call.data(), call.size(), sizes.data(), plan).failed());
}

TEST(PagedManifest, RefusesCallsItCannotPlan) {
  Manifest m;
  ASSERT_FALSE(parseManifest(pagedManifest(), ".", m).failed());
  moda::test::Call call = pagedCall(40);
  LaunchPlan plan;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), plan).message,
            "kernel moda_attention_0 reads a paged KV cache: pass S, the keys "
            "each batch entry has cached, in sizes (moda_kernel_launch_sized)");
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withS(1025);
  Error error = planLaunch(m, call.data(), call.size(), sizes.data(), plan);
  EXPECT_EQ(error.status, MODA_ERROR_SIZE_MISMATCH);
  EXPECT_EQ(error.message,
            "sizes[S] is 1025 but the block table's 16 pages of 64 keys per "
            "batch entry hold at most 1024");
  sizes = withS(500);
  moda::test::Call narrow = pagedCall(40, 15);
  EXPECT_EQ(planLaunch(m, narrow.data(), narrow.size(), sizes.data(), plan).status,
            MODA_ERROR_SHAPE);
  call["block_table"].dtype = MODA_F32;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).status,
            MODA_ERROR_DTYPE);
  call["block_table"].dtype = MODA_I32;
  sizes[MODA_SYMBOL_N] = 41;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).status,
            MODA_ERROR_SIZE_MISMATCH);
  // An empty pool holds no key: the kernels would read page 0 of nothing.
  moda::test::Call empty = pagedCall(0);
  sizes = withS(500);
  EXPECT_EQ(planLaunch(m, empty.data(), empty.size(), sizes.data(), plan).message,
            "sizes[S] is 500 but the pool of k and v has no page (N = 0)");
  sizes = withS(0);
  EXPECT_FALSE(planLaunch(m, empty.data(), empty.size(), sizes.data(), plan).failed());
}

TEST(PagedManifest, RefusesInconsistentManifests) {
  Manifest m;
  auto message = [&](const std::string &text) {
    return parseManifest(text, ".", m).message;
  };
  std::string text = pagedManifest();
  EXPECT_EQ(message(replaceOnce(text, "\"S\": null", "\"S\": 500")),
            "sizes.S must be null in a paged manifest (the call gives the "
            "cached keys)");
  EXPECT_EQ(message(replaceOnce(text, "\"page_size\": 64", "\"page_size\": 32")),
            "tensors[1].shape[1] is 64 but the manifest's head counts and "
            "head_dim give 32");
  EXPECT_EQ(message(replaceOnce(text, "\"op\": \"attention\"",
                                "\"packed\": true, \"op\": \"attention\"")),
            "a manifest cannot be both packed and paged (page_size): packed "
            "sequences and a paged KV cache are not supported together");
  EXPECT_EQ(message(replaceOnce(text, "\"block_n\": 64", "\"block_n\": 128")),
            "config.block_n is 128 but must divide page_size 64 (a key tile lies "
            "in one page)");
  EXPECT_EQ(message(replaceOnce(
                replaceOnce(text, "\"visibility\": \"per_position\"",
                            "\"visibility\": \"chunk\""),
                "\"chunk_size\": 0", "\"chunk_size\": 16")),
            "a paged KV cache (page_size) needs sequence keys and per_position "
            "visibility");
  // Without page_size and pages_per_entry the block table is unknown.
  std::string unpaged = replaceOnce(
      replaceOnce(text, "\"page_size\": 64,", ""), "\"pages_per_entry\": 16,", "");
  EXPECT_EQ(message(unpaged),
            "unknown size symbol \"N\" in sizes (expected B, T, S, L)");
}

} // namespace
