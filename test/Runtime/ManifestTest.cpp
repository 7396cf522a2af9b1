//===- ManifestTest.cpp - reading and checking kernel manifests -----------===//

#include "Manifest.h"
#include "TestManifests.h"

#include <gtest/gtest.h>

using namespace moda::runtime;
using moda::test::exampleManifest;
using moda::test::replaceOnce;

namespace {

/// parseManifest's message for the example manifest edited by one replace.
std::string errorAfter(const std::string &from, const std::string &to) {
  Manifest manifest;
  Error error =
      parseManifest(replaceOnce(exampleManifest(), from, to), ".", manifest);
  EXPECT_TRUE(error.failed()) << "accepted: " << from << " -> " << to;
  EXPECT_TRUE(!error.failed() || error.status == MODA_ERROR_MANIFEST)
      << moda_status_name(error.status);
  return error.message;
}

TEST(Manifest, ReadsTheExample) {
  Manifest m;
  Error error = parseManifest(exampleManifest(), "/artifacts", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.entry, "moda_attention_0");
  EXPECT_EQ(m.ptxFile, "moda_attention_0.ptx");
  EXPECT_EQ(m.cubinFile, "moda_attention_0.cubin");
  EXPECT_EQ(m.directory, "/artifacts");
  EXPECT_EQ(m.elementType, MODA_BF16);
  EXPECT_TRUE(m.causal);
  EXPECT_EQ(m.visibility, MODA_VISIBILITY_PER_POSITION);
  EXPECT_DOUBLE_EQ(m.scale, 0.125);
  EXPECT_EQ(m.numQueryHeads, 8);
  EXPECT_EQ(m.numKvHeads, 2);
  EXPECT_EQ(m.headDim, 64);
  EXPECT_EQ(m.blockM, 128);
  EXPECT_EQ(m.numWarps, 8);
  EXPECT_EQ(m.mma, "mma_sync");
  ASSERT_EQ(m.tensors.size(), 7u);
  EXPECT_EQ(m.tensors[6].name, "lse");
  EXPECT_EQ(m.tensors[6].dtype, MODA_F32);
  EXPECT_EQ(m.tensors[6].role, MODA_ROLE_OUTPUT);
  ASSERT_EQ(m.tensors[3].shape.size(), 5u);
  EXPECT_EQ(m.tensors[3].shape[2].symbol, MODA_SYMBOL_L);
  EXPECT_EQ(m.tensors[3].shape[3].extent, 2);
  for (int64_t fixed : m.fixedSizes)
    EXPECT_EQ(fixed, -1);
  ASSERT_EQ(m.parameters.size(), 11u);
  EXPECT_EQ(m.parameters[10].kind, KernelParameter::Kind::Size);
  EXPECT_EQ(m.parameters[10].symbol, MODA_SYMBOL_L);
  EXPECT_EQ(m.grid[0].symbol, MODA_SYMBOL_T);
  EXPECT_EQ(m.grid[0].multiplier, 4);
  EXPECT_EQ(m.grid[0].divisor, 128);
  EXPECT_EQ(m.grid[1].symbol, -1);
  EXPECT_EQ(m.grid[1].constant, 2);
  EXPECT_EQ(m.block[0], 256u);
}

TEST(Manifest, CubinIsOptional) {
  Manifest m;
  Error error = parseManifest(
      replaceOnce(exampleManifest(), "\"cubin\": \"moda_attention_0.cubin\",", ""),
      ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(m.cubinFile.empty());
}

TEST(Manifest, ArtifactsMustBeInsideTheManifestsFolder) {
  const std::string ptx = "\"ptx\": \"moda_attention_0.ptx\"";
  EXPECT_EQ(errorAfter(ptx, "\"ptx\": \"/etc/passwd\""),
            "field \"ptx\" must name a file inside the manifest's folder (a "
            "relative path without \"..\"), not \"/etc/passwd\"");
  for (const char *escape : {"../k.ptx", "sub/../../k.ptx", "..", "a/..", ""})
    EXPECT_NE(errorAfter(ptx, std::string("\"ptx\": \"") + escape + "\"")
                  .find("must name a file inside the manifest's folder"),
              std::string::npos)
        << escape;
  // A NUL would cut the path short where the runtime opens it.
  EXPECT_NE(errorAfter(ptx, "\"ptx\": \"k.ptx\\u0000/../../x\"")
                .find("must name a file inside"),
            std::string::npos);
  EXPECT_EQ(errorAfter("\"cubin\": \"moda_attention_0.cubin\"",
                       "\"cubin\": \"../../lib/x.cubin\""),
            "field \"cubin\" must name a file inside the manifest's folder (a "
            "relative path without \"..\"), not \"../../lib/x.cubin\"");
  // Names that merely contain dots, and subfolders, are fine.
  Manifest m;
  Error error = parseManifest(
      replaceOnce(exampleManifest(), ptx, "\"ptx\": \"sub/..k/k..ptx\""), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.ptxFile, "sub/..k/k..ptx");
}

TEST(Manifest, FixedSizesAndStaticDimensions) {
  Manifest m;
  std::string text = replaceOnce(exampleManifest(), "\"T\": null", "\"T\": 128");
  // A static extent where the layout has B fixes B.
  text = replaceOnce(text, "\"shape\": [\"B\", 8, \"T\"]", "\"shape\": [1, 8, \"T\"]");
  Error error = parseManifest(text, ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_T], 128);
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_B], 1);
  EXPECT_EQ(m.fixedSizes[MODA_SYMBOL_S], -1);
  EXPECT_TRUE(m.tensors[6].shape[0].isSymbolic());
}

TEST(Manifest, RejectsMissingAndMistypedFields) {
  EXPECT_EQ(errorAfter("\"scale\": 0.125,", ""),
            "missing required field \"scale\"");
  EXPECT_EQ(errorAfter("\"causal\": true", "\"causal\": 1"),
            "field \"causal\" must be a boolean, not number");
  EXPECT_EQ(errorAfter("\"num_warps\": 8", "\"num_warps\": 8.5"),
            "field \"config.num_warps\" must be an integer");
  EXPECT_EQ(errorAfter("\"head_dim\": 64", "\"head_dim\": 0"),
            "field \"head_dim\" must be >= 1, not 0");
  EXPECT_EQ(errorAfter("\"sizes\": {\"B\": null,", "\"sizes\": {\"B\": -1,"),
            "field \"sizes.B\" must be >= 0, not -1");
  EXPECT_EQ(errorAfter("\"S\": null, ", ""), "missing required field \"sizes.S\"");
  EXPECT_EQ(errorAfter("\"L\": null}", "\"L\": null, \"X\": 3}"),
            "unknown size symbol \"X\" in sizes (expected B, T, S, L)");
}

TEST(Manifest, RejectsUnsupportedFormatsAndVariants) {
  EXPECT_NE(errorAfter("moda-kernel/1", "moda-kernel/2").find("unsupported manifest format"),
            std::string::npos);
  EXPECT_NE(errorAfter("\"op\": \"attention\"", "\"op\": \"backward\"").find("unsupported op"),
            std::string::npos);
  EXPECT_NE(errorAfter("\"element_type\": \"bf16\"", "\"element_type\": \"f64\"").find("unknown element_type \"f64\""),
            std::string::npos);
  EXPECT_NE(errorAfter("\"per_position\"", "\"diagonal\"").find("unknown visibility \"diagonal\""),
            std::string::npos);
  EXPECT_EQ(errorAfter("\"per_position\"", "\"chunk\""),
            "chunk visibility needs chunk_size >= 1");
  EXPECT_EQ(errorAfter("\"num_kv_heads\": 2", "\"num_kv_heads\": 3"),
            "num_query_heads (8) must be a multiple of num_kv_heads (3)");
}

TEST(Manifest, RejectsTensorsThatContradictTheAbi) {
  EXPECT_EQ(errorAfter("\"shape\": [\"B\", 8, \"T\"]", "\"shape\": [\"B\", 4, \"T\"]"),
            "tensors[6].shape[1] is 4 but the manifest's head counts and "
            "head_dim give 8");
  EXPECT_EQ(errorAfter("\"shape\": [\"B\", 8, \"T\"]", "\"shape\": [\"B\", 8, \"S\"]"),
            "tensors[6].shape[2] is \"S\" but the layout of lse needs T here");
  EXPECT_EQ(errorAfter("\"shape\": [\"B\", 8, \"T\"]", "\"shape\": [\"B\", 8]"),
            "tensors[6].shape has rank 2; tensor lse has rank 3");
  EXPECT_EQ(errorAfter("\"dtype\": \"f32\"", "\"dtype\": \"bf16\""),
            "tensors[6]: tensor lse has dtype bf16 but the ABI needs f32");
  EXPECT_EQ(errorAfter("\"role\": \"output\", \"shape\": [\"B\", 8, \"T\"]",
                       "\"role\": \"input\", \"shape\": [\"B\", 8, \"T\"]"),
            "tensors[6]: tensor lse has role \"input\" but must be \"output\"");
  EXPECT_NE(errorAfter("{\"name\": \"lse\"", "{\"name\": \"lse2\"").find("unknown tensor name \"lse2\""),
            std::string::npos);
  EXPECT_EQ(errorAfter("{\"name\": \"lse\"", "{\"name\": \"q\""),
            "tensors[6]: tensor \"q\" appears twice");
}

TEST(Manifest, StaticExtentMustAgreeWithFixedSize) {
  std::string text = replaceOnce(exampleManifest(), "\"B\": null", "\"B\": 2");
  text = replaceOnce(text, "\"shape\": [\"B\", 8, \"T\"]", "\"shape\": [1, 8, \"T\"]");
  Manifest m;
  Error error = parseManifest(text, ".", m);
  ASSERT_TRUE(error.failed());
  EXPECT_EQ(error.message, "tensors[6].shape[0] is 1 but sizes.B is 2");
}

TEST(Manifest, DepthOnlyCannotBeCausal) {
  EXPECT_EQ(errorAfter("\"per_position\"", "\"depth_only\""),
            "causal needs sequence keys; a depth_only manifest cannot be "
            "causal");
}

TEST(Manifest, ScaleMustBeWhatTheVerifierAccepts) {
  // A finite but huge scale overflows the f32 logits; zero, negative and
  // huge scales were not written by moda-compile (MODA_MAX_SCALE).
  EXPECT_EQ(errorAfter("\"scale\": 0.125", "\"scale\": 1e30"),
            "field \"scale\" must be in (0, 65536], not 1e+30");
  EXPECT_EQ(errorAfter("\"scale\": 0.125", "\"scale\": 0"),
            "field \"scale\" must be in (0, 65536], not 0");
  EXPECT_EQ(errorAfter("\"scale\": 0.125", "\"scale\": -0.5"),
            "field \"scale\" must be in (0, 65536], not -0.5");
  Manifest m;
  EXPECT_FALSE(parseManifest(replaceOnce(exampleManifest(), "\"scale\": 0.125",
                                         "\"scale\": 65536"),
                             ".", m)
                   .failed());
}

TEST(Manifest, TensorSetFollowsTheVariant) {
  std::string depthOnly = replaceOnce(exampleManifest(), "\"causal\": true",
                                      "\"causal\": false");
  Manifest m;
  EXPECT_EQ(parseManifest(replaceOnce(depthOnly, "\"per_position\"", "\"depth_only\""),
                          ".", m)
                .message,
            "tensor \"k\" must be absent for depth_only visibility");
  EXPECT_EQ(errorAfter(
                "{\"name\": \"depth_v\", \"dtype\": \"bf16\", \"role\": \"input\",  "
                "\"shape\": [\"B\", \"T\", \"L\", 2, 64]},",
                ""),
            "tensors depth_k and depth_v must be both present or both absent");
  EXPECT_EQ(errorAfter("{\"name\": \"v\",", "{\"name\": \"out\","),
            "tensors[2]: tensor out has role \"input\" but must be \"output\"");
}

TEST(Manifest, ParametersMustFollowTheAbiOrder) {
  EXPECT_EQ(errorAfter("{\"kind\": \"buffer\", \"tensor\": \"q\"}, {\"kind\": \"buffer\", \"tensor\": \"k\"}",
                       "{\"kind\": \"buffer\", \"tensor\": \"k\"}, {\"kind\": \"buffer\", \"tensor\": \"q\"}"),
            "params[0] is buffer \"k\" but the ABI (docs/artifacts.md) needs "
            "buffer \"q\"");
  EXPECT_EQ(errorAfter(", {\"kind\": \"size\", \"symbol\": \"L\"}", ""),
            "params ends after 10 entries; the ABI (docs/artifacts.md) needs "
            "size \"L\" next");
  EXPECT_EQ(errorAfter("{\"kind\": \"size\", \"symbol\": \"L\"}",
                       "{\"kind\": \"size\", \"symbol\": \"L\"}, {\"kind\": \"size\", \"symbol\": \"B\"}"),
            "params has 12 entries; the ABI (docs/artifacts.md) has 11");
  EXPECT_EQ(errorAfter("\"tensor\": \"lse\"}", "\"tensor\": \"m\"}"),
            "params[6] names tensor \"m\", which is not in tensors");
  EXPECT_EQ(errorAfter("\"kind\": \"size\", \"symbol\": \"B\"", "\"kind\": \"scalar\", \"symbol\": \"B\""),
            "params[7]: unknown kind \"scalar\" (expected buffer, size or stride)");
}

TEST(Manifest, AViewsStridesFollowTheSizes) {
  // q taken as a view: its three strides (all but the innermost) come after
  // the sizes, outermost first, and nothing else may stand there.
  const std::string view = "{\"strided\": true, \"name\": \"q\",";
  const std::string lastSize = "{\"kind\": \"size\", \"symbol\": \"L\"}";
  auto stride = [](int dim) {
    return ", {\"kind\": \"stride\", \"tensor\": \"q\", \"dim\": " +
           std::to_string(dim) + "}";
  };
  std::string text = replaceOnce(exampleManifest(), "{\"name\": \"q\",", view);
  moda::runtime::Manifest manifest;
  EXPECT_EQ(moda::runtime::parseManifest(text, ".", manifest).message,
            "params ends after 11 entries; the ABI (docs/artifacts.md) needs "
            "stride 0 of \"q\" next");
  std::string strided =
      replaceOnce(text, lastSize, lastSize + stride(0) + stride(1) + stride(2));
  moda::runtime::Error error = moda::runtime::parseManifest(strided, ".", manifest);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(manifest.tensors[manifest.findTensor("q")].strided);
  EXPECT_FALSE(manifest.tensors[manifest.findTensor("k")].strided);
  std::string swapped =
      replaceOnce(text, lastSize, lastSize + stride(1) + stride(0) + stride(2));
  EXPECT_EQ(moda::runtime::parseManifest(swapped, ".", manifest).message,
            "params[11] is stride 1 of \"q\" but the ABI (docs/artifacts.md) "
            "needs stride 0 of \"q\"");
  // The row statistics are never views.
  std::string lse = replaceOnce(exampleManifest(), "{\"name\": \"lse\",",
                                "{\"strided\": true, \"name\": \"lse\",");
  EXPECT_EQ(moda::runtime::parseManifest(lse, ".", manifest).message,
            "tensors[6]: tensor lse cannot be strided (the row statistics "
            "are contiguous)");
  // A backward's views: their strides after the sizes too, in the buffers'
  // order (q's, then dq's).
  std::string grad = replaceOnce(moda::test::gradManifest(), "{\"name\": \"q\",",
                                 "{\"strided\": true, \"name\": \"q\",");
  grad = replaceOnce(grad, "{\"name\": \"dq\",", "{\"strided\": true, \"name\": \"dq\",");
  std::string qStrides = stride(0) + stride(1) + stride(2);
  std::string dqStrides = qStrides;
  for (size_t at; (at = dqStrides.find("\"q\"")) != std::string::npos;)
    dqStrides.replace(at, 3, "\"dq\"");
  std::string gradViews =
      replaceOnce(grad, lastSize, lastSize + qStrides + dqStrides);
  error = moda::runtime::parseManifest(gradViews, ".", manifest);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(manifest.parameters.back().dim, 2);
  EXPECT_EQ(manifest.tensors[manifest.parameters.back().tensorIndex].name, "dq");
  std::string delta = replaceOnce(moda::test::gradManifest(), "{\"name\": \"delta\",",
                                  "{\"strided\": true, \"name\": \"delta\",");
  EXPECT_EQ(moda::runtime::parseManifest(delta, ".", manifest).message.find(
                "tensor delta cannot be strided (the row statistics are "
                "contiguous)") != std::string::npos,
            true);
}

TEST(Manifest, GridMustBeTheCompilersFormula) {
  // grid = (ceil(T * G / block_m), Hk, B) with G = 8 / 2, block_m = 128.
  const std::string batch = "{\"symbol\": \"B\", \"multiplier\": 1, \"divisor\": 1}";
  EXPECT_EQ(errorAfter(batch, "{\"symbol\": \"B\", \"multiplier\": 1, "
                              "\"divisor\": 2147483648}"),
            "grid[2] is ceil(B * 1 / 2147483648) but the kernel's grid needs B");
  EXPECT_EQ(errorAfter(batch, "{\"constant\": 1}"),
            "grid[2] is 1 but the kernel's grid needs B");
  EXPECT_EQ(errorAfter("\"divisor\": 128", "\"divisor\": 64"),
            "grid[0] is ceil(T * 4 / 64) but the kernel's grid needs "
            "ceil(T * G / block_m) = ceil(T * 4 / 128)");
  EXPECT_EQ(errorAfter("\"multiplier\": 4", "\"multiplier\": 9223372036854775807"),
            "grid[0] is ceil(T * 9223372036854775807 / 128) but the kernel's "
            "grid needs ceil(T * G / block_m) = ceil(T * 4 / 128)");
  EXPECT_EQ(errorAfter("\"symbol\": \"T\", \"multiplier\": 4",
                       "\"symbol\": \"S\", \"multiplier\": 4"),
            "grid[0] is ceil(S * 4 / 128) but the kernel's grid needs "
            "ceil(T * G / block_m) = ceil(T * 4 / 128)");
  EXPECT_EQ(errorAfter("\"symbol\": \"T\", \"multiplier\": 4",
                       "\"symbol\": \"T\", \"times\": \"L\", \"multiplier\": 4"),
            "grid[0] is ceil(T * L * 4 / 128) but the kernel's grid needs "
            "ceil(T * G / block_m) = ceil(T * 4 / 128)");
  EXPECT_EQ(errorAfter("{\"constant\": 2}", "{\"constant\": 3}"),
            "grid[1] is 3 but the kernel's grid needs num_kv_heads = 2");
  // The formula follows the configuration: another block_m, another divisor.
  std::string text = replaceOnce(exampleManifest(), "\"block_m\": 128", "\"block_m\": 64");
  Manifest m;
  EXPECT_EQ(parseManifest(text, ".", m).message,
            "grid[0] is ceil(T * 4 / 128) but the kernel's grid needs "
            "ceil(T * G / block_m) = ceil(T * 4 / 64)");
  Error error = parseManifest(replaceOnce(text, "\"divisor\": 128", "\"divisor\": 64"), ".", m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.grid[0].divisor, 64);
}

TEST(Manifest, GridAndBlock) {
  EXPECT_EQ(errorAfter("{\"constant\": 2},", ""), "grid must have 3 entries, not 2");
  EXPECT_EQ(errorAfter("\"divisor\": 128", "\"divisor\": 0"),
            "field \"grid[0].divisor\" must be >= 1, not 0");
  EXPECT_EQ(errorAfter("{\"constant\": 2}", "{\"symbol\": \"H\", \"multiplier\": 1, \"divisor\": 1}"),
            "grid[1]: unknown size symbol \"H\"");
  EXPECT_EQ(errorAfter("\"block\": [256, 1, 1]", "\"block\": [128, 1, 1]"),
            "block is [128, 1, 1] but config.num_warps = 8 needs [256, 1, 1]");
  EXPECT_EQ(errorAfter("\"block\": [256, 1, 1]", "\"block\": [256, 8, 1]"),
            "block has 2048 threads; at most 1024 are allowed");
  EXPECT_EQ(errorAfter("\"num_warps\": 8", "\"num_warps\": 288230376151711744"),
            "field \"config.num_warps\" must be <= 32, not 288230376151711744");
  EXPECT_EQ(errorAfter("\"dynamic_shared_memory\": 0", "\"dynamic_shared_memory\": -4"),
            "field \"dynamic_shared_memory\" must be >= 0, not -4");
}

TEST(Manifest, InvalidJsonIsReportedWithItsPosition) {
  Manifest m;
  Error error = parseManifest("{\"format\": }", ".", m);
  ASSERT_TRUE(error.failed());
  EXPECT_EQ(error.status, MODA_ERROR_MANIFEST);
  EXPECT_EQ(error.message, "invalid JSON: line 1, column 12: syntax error "
                           "while parsing value - unexpected '}'; expected "
                           "'[', '{', or a literal");
  error = parseManifest("{\"format\": \"moda-kernel/1\", \"format\": \"x\"}", ".", m);
  EXPECT_EQ(error.message,
            "invalid JSON: duplicate key \"format\" in the top-level value");
  error = parseManifest("[1, 2]", ".", m);
  EXPECT_EQ(error.message, "the manifest must be a JSON object");
}

TEST(Manifest, ReadManifestNamesTheFile) {
  Manifest m;
  Error error = readManifest("/nonexistent/dir/k.json", m);
  EXPECT_EQ(error.status, MODA_ERROR_IO);
  EXPECT_NE(error.message.find("cannot open '/nonexistent/dir/k.json'"),
            std::string::npos);
  std::string path = moda::test::writeTempFile("bad.json", "{");
  error = readManifest(path, m);
  EXPECT_EQ(error.status, MODA_ERROR_MANIFEST);
  EXPECT_EQ(error.message.rfind("manifest '" + path + "': invalid JSON", 0), 0u)
      << error.message;
  path = moda::test::writeTempFile("good.json", exampleManifest());
  error = readManifest(path, m);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(m.directory + "/moda_runtime_test_good.json", path);
}

} // namespace
