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

/// Plans a call of the packed forward over `tokens` tokens in `offsets` - 1
/// sequences, T = `longest`.
Error planPackedCall(int64_t tokens, int64_t offsets, int64_t longest,
                     LaunchPlan &plan) {
  Manifest m;
  if (Error error = parseManifest(packedManifest(), ".", m); error.failed())
    return error;
  moda::test::Call call = packedCall(tokens, offsets);
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withT(longest);
  return planLaunch(m, call.data(), call.size(), sizes.data(), plan);
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
  // 70 tokens in 3 sequences, the longest 37 long.
  LaunchPlan plan;
  Error error = planPackedCall(70, 4, 37, plan);
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
  LaunchPlan plan;
  Error error = planPackedCall(70, 4, 0, plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(plan.sizes[MODA_SYMBOL_T], 0);
  EXPECT_EQ(plan.grid, (std::array<unsigned, 3>{1, 1, 3}));
  ASSERT_FALSE(planPackedCall(70, 4, 1000, plan).failed());
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
            "sequences or a paged KV cache (pass -1)");
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

TEST(PackedManifest, NoSequenceIsNothingToDo) {
  // Offsets [0]: no sequence, so no token is in one; those tokens' outputs
  // are left as they are (docs/semantics.md).
  LaunchPlan plan;
  Error error = planPackedCall(70, 1, 37, plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(plan.nothingToDo);
}

TEST(PackedManifest, NamesWhereAConflictingSizeCameFrom) {
  Manifest m;
  ASSERT_FALSE(parseManifest(moda::test::exampleManifest(), ".", m).failed());
  moda::test::Call call = moda::test::makeCall(m, {2, 30, 50, 3, 0});
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes;
  sizes.fill(-1);
  sizes[MODA_SYMBOL_T] = 31;
  LaunchPlan plan;
  EXPECT_EQ(planLaunch(m, call.data(), call.size(), sizes.data(), plan).message,
            "size T is 31 from the call's sizes but 30 from tensor q dimension 1");
}

TEST(PackedManifest, TIsTheCallsNotTheManifests) {
  Manifest m;
  std::string text = replaceOnce(packedManifest(), "\"T\": null", "\"T\": 64");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "sizes.T must be null in a packed manifest (the call gives "
            "max_seqlen)");
  text = replaceOnce(packedManifest(), "\"S\": null", "\"S\": 0");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "sizes.S must be null in a packed manifest with sequence keys, "
            "else 0 (the call gives max_seqlen)");
}

TEST(PackedManifest, EachInputReadsAndPlansACall) {
  // Inputs/packed: what moda-compile writes for a packed forward (with
  // keys and depth), a depth-only forward (its manifest fixes S = 0) and a
  // backward; each plans a call of 70 tokens in 3 sequences with T = 37.
  for (const char *name :
       {"packed/attention_packed.json", "packed/attention_depth_only_packed.json",
        "packed/attention_grad_packed.json"}) {
    Manifest m;
    Error error = parseManifest(moda::test::readInput(name), ".", m);
    ASSERT_FALSE(error.failed()) << name << ": " << error.message;
    std::array<int64_t, MODA_NUM_SYMBOLS> sizes = {3, 37, 37, 2, 70};
    if (m.findTensor("k") < 0)
      sizes[MODA_SYMBOL_S] = 0;
    for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol)
      if (m.fixedSizes[symbol] >= 0)
        sizes[symbol] = m.fixedSizes[symbol];
    moda::test::Call call = moda::test::makeCall(m, sizes);
    std::array<int64_t, MODA_NUM_SYMBOLS> given = moda::test::callSizes(m, sizes);
    LaunchPlan plan;
    error = planLaunch(m, call.data(), call.size(), given.data(), plan);
    ASSERT_FALSE(error.failed()) << name << ": " << error.message;
    EXPECT_EQ(plan.sizes, sizes) << name;
    EXPECT_EQ(moda::test::checkPlan(m, call.data(), call.size(), plan), "") << name;
  }
}

TEST(PackedManifest, OffsetsNeedPacked) {
  // cu_seqlens in a manifest that does not say packed: the hint, not
  // "unknown tensor".
  Manifest m;
  std::string text = moda::test::exampleManifest();
  std::string entry = "{\"name\": \"lse\",";
  size_t at = text.find(entry);
  ASSERT_NE(at, std::string::npos);
  text.insert(at, "{\"name\": \"cu_seqlens\", \"dtype\": \"i32\", \"role\": "
                  "\"input\", \"shape\": [\"B+1\"]},\n    ");
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "tensors[6]: tensor \"cu_seqlens\" needs \"packed\": true");
}

TEST(PackedManifest, PlansABackward) {
  // Inputs/packed/attention_grad_packed.json: bf16, causal, Hq = 4, Hk = 2,
  // D = 64, block_m = 64; dq, dkv and d_depth over 3 sequences.
  Manifest m;
  Error error = parseManifest(
      moda::test::readInput("packed/attention_grad_packed.json"), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  ASSERT_EQ(m.launches.size(), 3u);
  // The offsets come right before the scratch delta, [Hq, N].
  int offsets = m.findTensor("cu_seqlens"), delta = m.findTensor("delta");
  ASSERT_GE(offsets, 0);
  EXPECT_EQ(m.parameters[13].tensorIndex, offsets);
  EXPECT_EQ(m.parameters[14].tensorIndex, delta);
  EXPECT_EQ(m.tensors[delta].shape[1].symbol, MODA_SYMBOL_N);
  moda::test::Call call;
  uintptr_t address = 0x10000;
  auto add = [&](const char *name, int dtype, std::vector<int64_t> shape) {
    call.add(name, dtype, std::move(shape), address);
    address += 0x100000;
  };
  const int64_t tokens = 70, entries = 5;
  for (const char *name : {"q", "out", "d_out", "dq"})
    add(name, MODA_BF16, {tokens, 4, 64});
  for (const char *name : {"k", "v", "dk", "dv"})
    add(name, MODA_BF16, {tokens, 2, 64});
  for (const char *name : {"depth_k", "depth_v", "d_depth_k", "d_depth_v"})
    add(name, MODA_BF16, {tokens, entries, 2, 64});
  add("lse", MODA_F32, {4, tokens});
  add("delta", MODA_F32, {4, tokens});
  add("cu_seqlens", MODA_I32, {4});
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes = withT(100);
  LaunchPlan plan;
  error = planLaunch(m, call.data(), call.size(), sizes.data(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(plan.sizes, (std::array<int64_t, MODA_NUM_SYMBOLS>{3, 100, 100, 5, 70}));
  // dq: ceil(T G / 64); dkv: ceil(S / 64); d_depth: ceil(T L / 64), per
  // key/value head and sequence.
  EXPECT_EQ(plan.launchGrids[0], (std::array<unsigned, 3>{4, 2, 3}));
  EXPECT_EQ(plan.launchGrids[1], (std::array<unsigned, 3>{2, 2, 3}));
  EXPECT_EQ(plan.launchGrids[2], (std::array<unsigned, 3>{8, 2, 3}));
}

} // namespace
