//===- PackedManifestTest.cpp - manifests of packed sequences -------------===//
//
// Inputs/packed/attention_packed.json is what moda-compile writes for a
// packed forward (bf16, causal, Hq = 2, Hk = 1, D = 64, L = 3, N and the
// number of sequences dynamic): token-major tensors without a batch
// dimension, the offsets cu_seqlens (i32, B + 1 of them), the size N, and
// T (max_seqlen) given by the call.
//
//===----------------------------------------------------------------------===//

#include "TestCalls.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

using namespace moda::runtime;
using moda::test::replaceOnce;

namespace {

std::string packedManifest() {
  return moda::test::readInput("packed/attention_packed.json");
}

/// A call over `tokens` tokens in `offsets` - 1 sequences.
moda::test::Call packedCall(int64_t tokens, int64_t offsets) {
  moda::test::Call call;
  uintptr_t address = 0x10000;
  auto add = [&](const char *name, int dtype, std::vector<int64_t> shape) {
    call.add(name, dtype, std::move(shape), address);
    address += 0x100000;
  };
  add("q", MODA_BF16, {tokens, 2, 64});
  add("k", MODA_BF16, {tokens, 1, 64});
  add("v", MODA_BF16, {tokens, 1, 64});
  add("depth_k", MODA_BF16, {tokens, 3, 1, 64});
  add("depth_v", MODA_BF16, {tokens, 3, 1, 64});
  add("out", MODA_BF16, {tokens, 2, 64});
  add("lse", MODA_F32, {2, tokens});
  add("cu_seqlens", MODA_I32, {offsets});
  return call;
}

/// sizes[] with T = `longest` and every other size from the tensors.
std::array<int64_t, MODA_NUM_SYMBOLS> withT(int64_t longest) {
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes;
  sizes.fill(-1);
  sizes[MODA_SYMBOL_T] = longest;
  return sizes;
}

TEST(PackedManifest, ReadsTheLayoutsWithoutABatchDimension) {
  Manifest m;
  Error error = parseManifest(packedManifest(), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(m.packed);
  const TensorSpec &q = m.tensors[m.findTensor("q")];
  ASSERT_EQ(q.shape.size(), 3u);
  EXPECT_EQ(q.shape[0].symbol, MODA_SYMBOL_N);
  const TensorSpec &lse = m.tensors[m.findTensor("lse")];
  EXPECT_EQ(lse.shape[1].symbol, MODA_SYMBOL_N);
  const TensorSpec &offsets = m.tensors[m.findTensor("cu_seqlens")];
  EXPECT_EQ(offsets.dtype, MODA_I32);
  ASSERT_EQ(offsets.shape.size(), 1u);
  EXPECT_EQ(offsets.shape[0].symbol, MODA_SYMBOL_B);
  EXPECT_EQ(offsets.shape[0].addend, 1);
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_L], 3);
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_N], -1);
}

TEST(PackedManifest, PlansACallWithTheCallersT) {
  Manifest m;
  ASSERT_FALSE(parseManifest(packedManifest(), ".", m).failed());
  // 70 tokens in 3 sequences, the longest 37 long.
  moda::test::Call call = packedCall(70, 4);
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withT(37);
  LaunchPlan plan;
  Error error = planLaunch(m, call.data(), call.size(), sizes.data(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  // B from the offsets, S = T (sequence keys), N from the tokens.
  EXPECT_EQ(plan.sizes, (std::array<int64_t, MODA_NUM_SYMBOLS>{3, 37, 37, 3, 70}));
  // A block per 128 folded rows of the longest sequence, per sequence.
  EXPECT_EQ(plan.grid, (std::array<unsigned, 3>{1, 1, 3}));
  // The sizes follow the 8 buffers' descriptors (5 values each).
  std::vector<uint64_t> sizeValues(plan.parameterValues.begin() + 40,
                                   plan.parameterValues.end());
  EXPECT_EQ(sizeValues, (std::vector<uint64_t>{3, 37, 37, 3, 70}));
  // The offsets' descriptor holds its 4 elements.
  EXPECT_EQ(plan.parameterValues[35 + 3], 4u);
}

TEST(PackedManifest, AnyTGetsABlockPerSequence) {
  // max_seqlen bounds nothing the kernels rely on: with T = 0 each
  // sequence still gets a block, which loops over its query blocks.
  Manifest m;
  ASSERT_FALSE(parseManifest(packedManifest(), ".", m).failed());
  moda::test::Call call = packedCall(70, 4);
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withT(0);
  LaunchPlan plan;
  Error error = planLaunch(m, call.data(), call.size(), sizes.data(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(plan.sizes[MODA_SYMBOL_T], 0);
  EXPECT_EQ(plan.grid, (std::array<unsigned, 3>{1, 1, 3}));
  sizes = withT(1000);
  ASSERT_FALSE(planLaunch(m, call.data(), call.size(), sizes.data(), plan).failed());
  EXPECT_EQ(plan.grid[0], 16u); // ceil(1000 * 2 / 128)
}

TEST(PackedManifest, RefusesCallsItCannotPlan) {
  Manifest m;
  ASSERT_FALSE(parseManifest(packedManifest(), ".", m).failed());
  moda::test::Call call = packedCall(70, 4);
  LaunchPlan plan;
  Error error = planLaunch(m, call.data(), call.size(), plan);
  EXPECT_EQ(error.status, MODA_ERROR_INVALID_ARGUMENT);
  EXPECT_EQ(error.message,
            "kernel moda_attention_0 takes packed sequences: pass T, the "
            "longest sequence's length (max_seqlen), in sizes "
            "(moda_kernel_launch_sized)");
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withT(37);
  sizes[MODA_SYMBOL_S] = 12;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).message,
            "sizes[S] is 12 but a packed kernel's S is 37 (T with sequence "
            "keys, else 0)");
  sizes = withT(37);
  moda::test::Call noOffsets = packedCall(70, 0);
  EXPECT_EQ(planLaunch(m, noOffsets.data(), noOffsets.size(), sizes.data(), plan)
                .message,
            "tensor cu_seqlens: dimension 0 (B+1) is 0 but must be at least 1");
  call["cu_seqlens"].dtype = MODA_F32;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).status,
            MODA_ERROR_DTYPE);
  call["cu_seqlens"].dtype = MODA_I32;
  sizes[MODA_SYMBOL_N] = 71;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).status,
            MODA_ERROR_SIZE_MISMATCH);
}

TEST(PackedManifest, AnUnpackedKernelTakesNoN) {
  Manifest m;
  ASSERT_FALSE(parseManifest(moda::test::exampleManifest(), ".", m).failed());
  EXPECT_FALSE(m.packed);
  moda::test::Call call = moda::test::makeCall(m, {2, 30, 50, 3, 0});
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes;
  sizes.fill(-1);
  sizes[MODA_SYMBOL_N] = 5;
  LaunchPlan plan;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).message,
            "sizes[N] is 5 but kernel moda_attention_0 does not take packed "
            "sequences (pass -1)");
  // T from the caller must agree with the tensors that carry it.
  sizes.fill(-1);
  sizes[MODA_SYMBOL_T] = 31;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).status,
            MODA_ERROR_SIZE_MISMATCH);
}

TEST(PackedManifest, RefusesInconsistentManifests) {
  Manifest m;
  auto message = [&](const std::string &text) {
    return parseManifest(text, ".", m).message;
  };
  std::string text = packedManifest();
  EXPECT_EQ(message(replaceOnce(text, "\"packed\": true", "\"packed\": false")),
            "unknown size symbol \"N\" in sizes (expected B, T, S, L)");
  EXPECT_EQ(message(replaceOnce(text, "\"B+1\"", "\"B\"")),
            "tensors[7].shape[0] is \"B\" but the layout of cu_seqlens needs "
            "B+1 here");
  EXPECT_EQ(message(replaceOnce(text, "\"dtype\": \"i32\"", "\"dtype\": \"f32\"")),
            "tensors[7]: tensor cu_seqlens has dtype f32 but the ABI needs i32");
  // Without depth the L dimension goes; without the offsets, packed lies.
  std::string noOffsets = packedManifest();
  size_t at = noOffsets.find("    {\n      \"dtype\": \"i32\"");
  ASSERT_NE(at, std::string::npos);
  size_t end = noOffsets.find("}", noOffsets.find("]", at)) + 1;
  noOffsets.erase(at - 2, end - at + 2); // the entry and the comma before it
  EXPECT_EQ(message(noOffsets),
            "tensor \"cu_seqlens\" is missing from tensors (the manifest "
            "says packed)");
}

} // namespace
