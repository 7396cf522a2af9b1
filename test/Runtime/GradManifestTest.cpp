//===- GradManifestTest.cpp - the backward's multi-kernel manifest --------===//
//
// A moda.attention_grad artifact (docs/artifacts.md): one module, op
// "attention_grad", the kernels dq, [dkv], [d_depth] in "launches", every
// kernel taking the same parameters, and the scratch tensor delta.
//
//===----------------------------------------------------------------------===//

#include "CallValidation.h"
#include "Manifest.h"
#include "TestCalls.h"
#include "TestManifests.h"

#include <gtest/gtest.h>


using namespace moda::runtime;
using moda::test::Call;
using moda::test::gradManifest;
using moda::test::replaceOnce;

namespace {

std::string errorAfter(const std::string &from, const std::string &to) {
  Manifest manifest;
  Error error =
      parseManifest(replaceOnce(gradManifest(), from, to), ".", manifest);
  EXPECT_TRUE(error.failed()) << "accepted: " << from << " -> " << to;
  return error.message;
}

/// B = 1, T = 300, S = 600, L = 3.
void fillCall(Call &call, int64_t keys, int64_t depth) {
  uintptr_t address = 0x100000;
  auto add = [&](const char *name, int dtype, std::vector<int64_t> shape) {
    call.add(name, dtype, std::move(shape), address);
    address += 0x100000;
  };
  for (const char *name : {"q", "out", "d_out", "dq"})
    add(name, MODA_BF16, {1, 300, 8, 64});
  for (const char *name : {"k", "v", "dk", "dv"})
    add(name, MODA_BF16, {1, keys, 2, 64});
  for (const char *name : {"depth_k", "depth_v", "d_depth_k", "d_depth_v"})
    add(name, MODA_BF16, {1, 300, depth, 2, 64});
  add("lse", MODA_F32, {1, 8, 300});
  add("delta", MODA_F32, {1, 8, 300});
}

TEST(GradManifest, ReadsThreeLaunches) {
  Manifest m;
  Error error = parseManifest(gradManifest(), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(m.isGrad());
  ASSERT_EQ(m.launches.size(), 3u);
  EXPECT_EQ(m.launches[0].entry, "moda_attention_grad_0_dq");
  EXPECT_EQ(m.launches[2].grid[0].symbol, MODA_SYMBOL_T);
  EXPECT_EQ(m.launches[2].grid[0].times, MODA_SYMBOL_L);
  EXPECT_EQ(m.launches[1].grid[0].times, -1);
  EXPECT_EQ(m.tensors[m.findTensor("delta")].role, MODA_ROLE_SCRATCH);
  EXPECT_EQ(m.tensors[m.findTensor("out")].role, MODA_ROLE_INPUT);
  EXPECT_EQ(m.tensors[m.findTensor("d_depth_v")].role, MODA_ROLE_OUTPUT);
  EXPECT_EQ(m.parameters.size(), 18u);
  // The first launch also fills the single-kernel fields.
  EXPECT_EQ(m.grid[0].divisor, 128);
  EXPECT_EQ(m.block[0], 256u);
}

TEST(GradManifest, RejectsWhatContradictsTheBackwardAbi) {
  EXPECT_EQ(errorAfter("\"role\": \"scratch\"", "\"role\": \"output\""),
            "tensors[13]: tensor delta has role \"output\" but must be \"scratch\"");
  EXPECT_EQ(errorAfter("{\"name\": \"out\", \"dtype\": \"bf16\", \"role\": \"input\"",
                       "{\"name\": \"out\", \"dtype\": \"bf16\", \"role\": \"output\""),
            "tensors[5]: tensor out has role \"output\" but must be \"input\"");
  EXPECT_EQ(errorAfter("\"kernel\": \"moda_attention_grad_0_dkv\"",
                       "\"kernel\": \"moda_attention_grad_0_dq2\""),
            "launches[1].kernel is \"moda_attention_grad_0_dq2\" but the launch "
            "order needs \"moda_attention_grad_0_dkv\"");
  EXPECT_EQ(errorAfter("\"times\": \"L\"", "\"times\": \"H\""),
            "launches[2].grid[0]: unknown size symbol \"H\" in times");
  EXPECT_EQ(errorAfter("\"block\": [256, 1, 1], \"dynamic_shared_memory\": 0},\n"
                       "    {\"kernel\": \"moda_attention_grad_0_d_depth\"",
                       "\"block\": [128, 1, 1], \"dynamic_shared_memory\": 0},\n"
                       "    {\"kernel\": \"moda_attention_grad_0_d_depth\""),
            "launches[1].block is [128, 1, 1] but config.num_warps = 8 needs "
            "[256, 1, 1]");
  EXPECT_EQ(errorAfter(",\n    {\"name\": \"delta\", \"dtype\": \"f32\", \"role\": "
                       "\"scratch\", \"shape\": [\"B\", 8, \"T\"]}",
                       ""),
            "tensor \"delta\" is missing from tensors");
  EXPECT_NE(errorAfter("\"launches\"", "\"kernels\"")
                .find("missing required field \"launches\""),
            std::string::npos);
  // d_out is a backward tensor: a forward manifest cannot name it.
  Manifest forward;
  std::string text = replaceOnce(moda::test::exampleManifest(),
                                 "{\"name\": \"lse\"", "{\"name\": \"d_out\"");
  Error error = parseManifest(text, ".", forward);
  ASSERT_TRUE(error.failed());
  EXPECT_NE(error.message.find("unknown tensor name \"d_out\""), std::string::npos);
}

TEST(GradManifest, PlansEveryLaunchWithTheSameParameters) {
  Manifest m;
  ASSERT_FALSE(parseManifest(gradManifest(), ".", m).failed());
  Call call;
  fillCall(call, 600, 3);
  LaunchPlan plan;
  Error error = planLaunch(m, call.tensors.data(),
                           static_cast<int>(call.tensors.size()), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  // 14 buffers of five u64, then B, T, S, L.
  ASSERT_EQ(plan.parameterValues.size(), 14u * 5 + 4);
  EXPECT_EQ(plan.parameterValues[13 * 5], 0x100000u + 13 * 0x100000u); // delta
  ASSERT_EQ(plan.launchGrids.size(), 3u);
  // dq: ceil(300 * 4 / 128) = 10; with 256 threads, D = 64 and bf16 two
  // lanes share a key or depth entry, so a block has 128 slots: dkv:
  // ceil(600 / 128) = 5; d_depth: ceil(300 * 3 / 128) = 8.
  EXPECT_EQ(plan.launchGrids[0], (std::array<unsigned, 3>{10, 2, 1}));
  EXPECT_EQ(plan.launchGrids[1], (std::array<unsigned, 3>{5, 2, 1}));
  EXPECT_EQ(plan.launchGrids[2], (std::array<unsigned, 3>{8, 2, 1}));
  EXPECT_FALSE(plan.nothingToDo);
}

TEST(GradManifest, EmptyDepthSkipsItsKernel) {
  Manifest m;
  ASSERT_FALSE(parseManifest(gradManifest(), ".", m).failed());
  Call call;
  fillCall(call, 600, 0);
  LaunchPlan plan;
  Error error = planLaunch(m, call.tensors.data(),
                           static_cast<int>(call.tensors.size()), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(plan.launchGrids[2][0], 0u); // d_depth: nothing to launch
  EXPECT_EQ(plan.launchGrids[0][0], 10u);
}

/// `text` with every occurrence of `from` replaced by `to`.
std::string replaceAll(std::string text, const std::string &from,
                       const std::string &to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

TEST(GradManifest, DkvAndDDepthGridsDivideBySlots) {
  EXPECT_EQ(errorAfter("{\"symbol\": \"S\", \"multiplier\": 1, \"divisor\": 128}",
                       "{\"symbol\": \"S\", \"multiplier\": 1, \"divisor\": 256}"),
            "launches[1].grid[0] is ceil(S * 1 / 256) but the kernel's grid "
            "needs ceil(S / slots) = ceil(S * 1 / 128)");
  EXPECT_EQ(errorAfter("\"times\": \"L\", \"multiplier\": 1, \"divisor\": 128",
                       "\"multiplier\": 1, \"divisor\": 128"),
            "launches[2].grid[0] is ceil(T * 1 / 128) but the kernel's grid "
            "needs ceil(T * L / slots) = ceil(T * L * 1 / 128)");
  EXPECT_EQ(errorAfter("{\"symbol\": \"T\", \"multiplier\": 4, \"divisor\": 128}, {\"constant\": 2}",
                       "{\"symbol\": \"T\", \"multiplier\": 4, \"divisor\": 128}, {\"constant\": 8}"),
            "launches[0].grid[1] is 8 but the kernel's grid needs "
            "num_kv_heads = 2");
}

TEST(GradManifest, BlockBuildersSlotsFollowTheHeadDimAndElementType) {
  // A manifest of the removed block builders ("lowering": "kernel"): slots =
  // 256 threads / lanes, lanes as those builders chose them.
  struct Case {
    const char *headDim, *dtype;
    int64_t slots;
  } cases[] = {
      {"32", "bf16", 256},  // D < 64: one lane
      {"128", "bf16", 64},  // D >= 128: four lanes of 32 columns
      {"72", "bf16", 256},  // 72 is not a multiple of 2 lanes * 8 elements
      {"64", "f32", 128},   // two lanes of 8 f32 (2 vectors of 4)
      {"96", "f32", 128},   // 96 = 2 lanes * 12 (3 vectors of 4)
  };
  for (const Case &c : cases) {
    std::string text = replaceOnce(gradManifest(), "\"op\": \"attention_grad\",",
                                   "\"op\": \"attention_grad\", \"lowering\": \"kernel\",");
    text = replaceAll(text, ", 64]", std::string(", ") + c.headDim + "]");
    text = replaceOnce(text, "\"head_dim\": 64", std::string("\"head_dim\": ") + c.headDim);
    text = replaceAll(text, "\"bf16\"", std::string("\"") + c.dtype + "\"");
    std::string divisor = std::to_string(c.slots);
    Manifest m;
    Error error = parseManifest(text, ".", m);
    if (c.slots != 128) { // 128: the divisor the manifest has
      EXPECT_EQ(error.message,
                "launches[1].grid[0] is ceil(S * 1 / 128) but the kernel's "
                "grid needs ceil(S / slots) = ceil(S * 1 / " + divisor + ")")
          << c.headDim << " " << c.dtype;
    }
    text = replaceOnce(text, "{\"symbol\": \"S\", \"multiplier\": 1, \"divisor\": 128}",
                       "{\"symbol\": \"S\", \"multiplier\": 1, \"divisor\": " + divisor + "}");
    text = replaceOnce(text, "\"times\": \"L\", \"multiplier\": 1, \"divisor\": 128",
                       "\"times\": \"L\", \"multiplier\": 1, \"divisor\": " + divisor);
    error = parseManifest(text, ".", m);
    EXPECT_FALSE(error.failed()) << c.headDim << " " << c.dtype << ": " << error.message;
  }
}

TEST(GradManifest, TileProgramsGridsDivideByBlockM) {
  // At D = 128 a tile program's dkv and d_depth blocks own block_m = 128
  // keys or entries (the manifest's divisors), the removed block builders'
  // 64 (256 threads / 4 lanes): the manifest fits the tile programs only,
  // which a manifest naming no lowering (or "tile") is.
  std::string text = replaceAll(gradManifest(), ", 64]", ", 128]");
  text = replaceOnce(text, "\"head_dim\": 64", "\"head_dim\": 128");
  Manifest m;
  Error error = parseManifest(text, ".", m);
  EXPECT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.lowering, "tile");
  auto withLowering = [&](const char *lowering) {
    return replaceOnce(text, "\"op\": \"attention_grad\",",
                       std::string("\"op\": \"attention_grad\", \"lowering\": \"") +
                           lowering + "\",");
  };
  error = parseManifest(withLowering("tile"), ".", m);
  EXPECT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(parseManifest(withLowering("kernel"), ".", m).message,
            "launches[1].grid[0] is ceil(S * 1 / 128) but the kernel's grid "
            "needs ceil(S / slots) = ceil(S * 1 / 64)");
  EXPECT_EQ(parseManifest(withLowering("simt"), ".", m).message,
            "unknown lowering \"simt\" (expected kernel or tile)");
}

TEST(GradManifest, DepthOnlyRunsNoDkvKernel) {
  std::string text = gradManifest();
  text = replaceOnce(text, "\"per_position\"", "\"depth_only\"");
  text = replaceOnce(text, "\"causal\": true", "\"causal\": false");
  for (const char *name : {"k", "v", "dk", "dv"}) {
    std::string tensor = std::string("{\"kind\": \"buffer\", \"tensor\": \"") +
                         name + "\"},";
    size_t at = text.find(tensor);
    ASSERT_NE(at, std::string::npos) << name;
    text.erase(at, tensor.size());
  }
  for (const char *line :
       {"    {\"name\": \"k\", \"dtype\": \"bf16\", \"role\": \"input\", \"shape\": [\"B\", \"S\", 2, 64]},\n",
        "    {\"name\": \"v\", \"dtype\": \"bf16\", \"role\": \"input\", \"shape\": [\"B\", \"S\", 2, 64]},\n",
        "    {\"name\": \"dk\", \"dtype\": \"bf16\", \"role\": \"output\", \"shape\": [\"B\", \"S\", 2, 64]},\n",
        "    {\"name\": \"dv\", \"dtype\": \"bf16\", \"role\": \"output\", \"shape\": [\"B\", \"S\", 2, 64]},\n"})
    text = replaceOnce(text, line, "");
  Manifest m;
  Error error = parseManifest(text, ".", m);
  ASSERT_TRUE(error.failed());
  EXPECT_EQ(error.message, "launches has 3 entries; this variant runs 2 kernels");
  size_t start = text.find("    {\"kernel\": \"moda_attention_grad_0_dkv\"");
  size_t end = text.find("    {\"kernel\": \"moda_attention_grad_0_d_depth\"");
  text.erase(start, end - start);
  error = parseManifest(text, ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.launches.size(), 2u);
  EXPECT_EQ(m.launches[1].entry, "moda_attention_grad_0_d_depth");
}

TEST(GradManifest, DqThatWritesTheDepthGradientsRunsNoDDepthKernel) {
  // A dq kernel that writes d_depth_k and d_depth_v itself ("writes", as
  // the removed block builders' tensor-core one did for per-position
  // variants): then there is no d_depth launch.
  std::string text = replaceOnce(
      gradManifest(), "{\"kernel\": \"moda_attention_grad_0_dq\",",
      "{\"kernel\": \"moda_attention_grad_0_dq\", \"writes\": [\"dq\", "
      "\"d_depth_k\", \"d_depth_v\"],");
  Manifest m;
  Error error = parseManifest(text, ".", m);
  ASSERT_TRUE(error.failed());
  EXPECT_EQ(error.message, "launches has 3 entries; this variant runs 2 kernels");
  size_t start = text.find(",\n    {\"kernel\": \"moda_attention_grad_0_d_depth\"");
  size_t end = text.find("\n  ]", start);
  std::string fused = text;
  fused.erase(start, end - start);
  error = parseManifest(fused, ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  ASSERT_EQ(m.launches.size(), 2u);
  EXPECT_EQ(m.launches[0].writes,
            (std::vector<std::string>{"dq", "d_depth_k", "d_depth_v"}));
  // What a launch writes must be an output of the variant.
  Manifest bad;
  error = parseManifest(replaceOnce(fused, "\"writes\": [\"dq\"",
                                    "\"writes\": [\"q\""),
                        ".", bad);
  ASSERT_TRUE(error.failed());
  EXPECT_EQ(error.message, "launches[0].writes[0] must name an output tensor");
}

} // namespace
