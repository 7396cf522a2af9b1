//===- LaunchValidationTest.cpp - the C API without a GPU -----------------===//
//
// A kernel loaded with moda_kernel_load_manifest_only can be described and
// validated without the driver; these tests drive every validation error of
// moda_kernel_launch through the public C API, and check the launch plan
// (parameters and grid) through the internal planLaunch.
//
//===----------------------------------------------------------------------===//

#include "CallValidation.h"
#include "TestCalls.h"
#include "TestManifests.h"

#include "moda/Runtime/moda_runtime.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <string>
#include <vector>

using moda::test::Call;
using moda::test::exampleManifest;
using moda::test::replaceOnce;
using moda::test::writeTempFile;

namespace {

/// A valid call of the example kernel: B = 2, T = 100, S = 120, L = 3.
Call validCall() {
  Call call;
  call.add("q", MODA_BF16, {2, 100, 8, 64}, 0x100000);
  call.add("k", MODA_BF16, {2, 120, 2, 64}, 0x200000);
  call.add("v", MODA_BF16, {2, 120, 2, 64}, 0x300000);
  call.add("depth_k", MODA_BF16, {2, 100, 3, 2, 64}, 0x400000);
  call.add("depth_v", MODA_BF16, {2, 100, 3, 2, 64}, 0x500000);
  call.add("out", MODA_BF16, {2, 100, 8, 64}, 0x600000);
  call.add("lse", MODA_F32, {2, 8, 100}, 0x700000);
  return call;
}

class LaunchValidation : public ::testing::Test {
protected:
  moda_kernel *kernel = nullptr;

  void SetUp() override { kernel = load(exampleManifest()); }
  void TearDown() override { moda_kernel_free(kernel); }

  static moda_kernel *load(const std::string &manifest) {
    std::string path = writeTempFile("validation.json", manifest);
    moda_kernel *loaded = nullptr;
    EXPECT_EQ(moda_kernel_load_manifest_only(path.c_str(), &loaded),
              MODA_SUCCESS)
        << moda_last_error();
    return loaded;
  }

  /// Validates `call` with `kernel`; expects `status` and returns the message.
  std::string expectError(moda_kernel *with, Call &call, moda_status status) {
    moda_status actual = moda_kernel_validate(with, call.data(), call.size());
    EXPECT_EQ(actual, status) << moda_status_name(actual) << ": "
                              << moda_last_error();
    // A launch validates first: the same error, and nothing is launched.
    EXPECT_EQ(moda_kernel_launch(with, call.data(), call.size(), nullptr),
              status);
    return moda_last_error();
  }
  std::string expectError(Call &call, moda_status status) {
    return expectError(kernel, call, status);
  }
};

TEST_F(LaunchValidation, ValidCallPassesAndLaunchNeedsAModule) {
  Call call = validCall();
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
  EXPECT_EQ(moda_kernel_launch(kernel, call.data(), call.size(), nullptr),
            MODA_ERROR_NOT_LOADED);
  EXPECT_STREQ(moda_last_error(),
               "kernel moda_attention_0 was loaded with "
               "moda_kernel_load_manifest_only and cannot be launched");
}

TEST_F(LaunchValidation, TensorOrderDoesNotMatter) {
  Call call = validCall();
  std::swap(call.tensors[0], call.tensors[6]);
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
}

TEST_F(LaunchValidation, WrongDtype) {
  Call call = validCall();
  call["k"].dtype = MODA_F16;
  EXPECT_EQ(expectError(call, MODA_ERROR_DTYPE),
            "tensor k has dtype f16 (1) but kernel moda_attention_0 needs bf16");
  call = validCall();
  call["lse"].dtype = 7;
  EXPECT_EQ(expectError(call, MODA_ERROR_DTYPE),
            "tensor lse has dtype unknown (7) but kernel moda_attention_0 "
            "needs f32");
}

TEST_F(LaunchValidation, WrongRankAndStaticDimension) {
  Call call = validCall();
  call["lse"].rank = 2;
  EXPECT_EQ(expectError(call, MODA_ERROR_SHAPE),
            "tensor lse has rank 2 but needs 3");
  call = validCall();
  call.shapes[0][2] = 4; // q's Hq
  EXPECT_EQ(expectError(call, MODA_ERROR_SHAPE),
            "tensor q: dimension 2 (Hq) is 4 but kernel moda_attention_0 "
            "needs 8");
  call = validCall();
  call.shapes[4][4] = 128; // depth_v's D
  EXPECT_EQ(expectError(call, MODA_ERROR_SHAPE),
            "tensor depth_v: dimension 4 (D) is 128 but kernel "
            "moda_attention_0 needs 64");
  call = validCall();
  call.shapes[1][1] = -5;
  EXPECT_EQ(expectError(call, MODA_ERROR_SHAPE),
            "tensor k: dimension 1 (S) is negative (-5)");
}

TEST_F(LaunchValidation, InconsistentSizeSymbols) {
  Call call = validCall();
  call.shapes[5][1] = 99; // out's T
  EXPECT_EQ(expectError(call, MODA_ERROR_SIZE_MISMATCH),
            "size T is 100 from tensor q dimension 1 but 99 from tensor out "
            "dimension 1");
  call = validCall();
  call.shapes[2][1] = 121; // v's S
  EXPECT_EQ(expectError(call, MODA_ERROR_SIZE_MISMATCH),
            "size S is 120 from tensor k dimension 1 but 121 from tensor v "
            "dimension 1");
}

TEST_F(LaunchValidation, SizeFixedByTheManifest) {
  moda_kernel *fixed =
      load(replaceOnce(exampleManifest(), "\"L\": null", "\"L\": 4"));
  Call call = validCall(); // L = 3
  EXPECT_EQ(expectError(fixed, call, MODA_ERROR_SIZE_MISMATCH),
            "tensor depth_k: dimension 2 (L) is 3 but the manifest fixes L = 4");
  moda_kernel_free(fixed);
}

TEST_F(LaunchValidation, OnlyDenseContiguousStrides) {
  Call call = validCall();
  int64_t transposed[] = {100 * 8 * 64, 64, 100 * 64, 1}; // [B, Hq, T, D] memory
  call["q"].strides = transposed;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor q: stride of dimension 2 (Hq) is 6400 but the dense "
            "row-major layout needs 64; only dense contiguous tensors are "
            "supported (make it contiguous first)");
  call = validCall();
  int64_t dense[] = {8 * 100, 100, 1};
  call["lse"].strides = dense;
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
}

TEST_F(LaunchValidation, StrideOfExtentOneDimensionIsIgnored) {
  Call call = validCall();
  for (std::vector<int64_t> &shape : call.shapes)
    shape[0] = 1; // B = 1
  int64_t strides[] = {12345, 8 * 64, 64, 1};
  call["q"].strides = strides;
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
}

TEST_F(LaunchValidation, EmptyTensorsHaveNoStridesToCheck) {
  // Found by CallValidationFuzzer: with B = 0, depth_k's L may be 2^62, and
  // checking its strides multiplied 2 * 64 * 2^62 (signed overflow).
  Call call = validCall();
  for (std::vector<int64_t> &shape : call.shapes)
    shape[0] = 0;
  call.shapes[3][2] = call.shapes[4][2] = int64_t(1) << 62;
  int64_t arbitrary[] = {1, 2, 3, 4, 5};
  call["depth_k"].strides = arbitrary;
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
}

TEST_F(LaunchValidation, PointersMustBeNonNullAndAligned) {
  Call call = validCall();
  call["v"].data = nullptr;
  EXPECT_EQ(expectError(call, MODA_ERROR_INVALID_ARGUMENT),
            "tensor v: data is NULL but the tensor has 30720 elements");
  call = validCall();
  call["out"].data = reinterpret_cast<void *>(0x600008);
  EXPECT_EQ(expectError(call, MODA_ERROR_ALIGNMENT),
            "tensor out: data pointer 0x600008 is not 16-byte aligned");
  call = validCall();
  call["q"].shape = nullptr;
  EXPECT_EQ(expectError(call, MODA_ERROR_INVALID_ARGUMENT),
            "tensor q: shape is NULL");
}

TEST_F(LaunchValidation, TensorListMustMatchTheManifest) {
  Call call = validCall();
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), 6),
            MODA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(moda_last_error(),
               "kernel moda_attention_0 takes 7 tensors (q, k, v, depth_k, "
               "depth_v, out, lse) but the call passes 6");
  call["depth_v"].name = "depth_k";
  EXPECT_EQ(expectError(call, MODA_ERROR_INVALID_ARGUMENT),
            "tensor \"depth_k\" is passed twice");
  call = validCall();
  call["v"].name = "value";
  EXPECT_EQ(expectError(call, MODA_ERROR_INVALID_ARGUMENT),
            "tensors[2] is named \"value\"; kernel moda_attention_0 takes q, k, "
            "v, depth_k, depth_v, out, lse");
  call = validCall();
  call.tensors[1].name = nullptr;
  EXPECT_EQ(expectError(call, MODA_ERROR_INVALID_ARGUMENT),
            "tensors[1].name is NULL");
  EXPECT_EQ(moda_kernel_validate(kernel, nullptr, 7),
            MODA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(moda_last_error(), "tensors is NULL but num_tensors is 7");
  EXPECT_EQ(moda_kernel_validate(nullptr, call.data(), 7),
            MODA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(moda_last_error(), "kernel is NULL");
}

TEST_F(LaunchValidation, ChunkVisibilityNeedsSEqualToT) {
  std::string chunk = replaceOnce(exampleManifest(), "\"per_position\"", "\"chunk\"");
  moda_kernel *chunked = load(replaceOnce(chunk, "\"chunk_size\": 0", "\"chunk_size\": 16"));
  Call call = validCall(); // S = 120, T = 100
  EXPECT_EQ(expectError(chunked, call, MODA_ERROR_SIZE_MISMATCH),
            "chunk visibility needs S == T, but S = 120 and T = 100");
  moda_kernel_free(chunked);
}

TEST_F(LaunchValidation, EmptyTensorsMayHaveNullData) {
  Call call = validCall();
  for (const char *name : {"depth_k", "depth_v"}) {
    call[name].data = nullptr;
  }
  call.shapes[3][2] = 0; // L = 0: no depth entries
  call.shapes[4][2] = 0;
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
}

TEST(LaunchPlan, ParametersAndGridFollowTheAbi) {
  moda::runtime::Manifest manifest;
  ASSERT_FALSE(moda::runtime::parseManifest(exampleManifest(), ".", manifest)
                   .failed());
  Call call = validCall();
  moda::runtime::LaunchPlan plan;
  moda::runtime::Error error =
      moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  // Seven buffers of five u64 each, then B, T, S, L.
  std::vector<uint64_t> expected;
  const uint64_t buffers[][2] = {{0x100000, 2 * 100 * 8 * 64},
                                 {0x200000, 2 * 120 * 2 * 64},
                                 {0x300000, 2 * 120 * 2 * 64},
                                 {0x400000, 2 * 100 * 3 * 2 * 64},
                                 {0x500000, 2 * 100 * 3 * 2 * 64},
                                 {0x600000, 2 * 100 * 8 * 64},
                                 {0x700000, 2 * 8 * 100}};
  for (const auto &buffer : buffers)
    for (uint64_t value : {buffer[0], buffer[0], uint64_t(0), buffer[1],
                           uint64_t(1)})
      expected.push_back(value);
  for (uint64_t size : {2, 100, 120, 3})
    expected.push_back(size);
  EXPECT_EQ(plan.parameterValues, expected);
  // grid = (ceil(T * G / block_m), Hk, B) = (ceil(400 / 128), 2, 2).
  EXPECT_EQ(plan.grid, (std::array<unsigned, 3>{4, 2, 2}));
  EXPECT_EQ(plan.block, (std::array<unsigned, 3>{256, 1, 1}));
  EXPECT_EQ(plan.dynamicSharedMemory, 0u);
  EXPECT_FALSE(plan.nothingToDo);
}

TEST(LaunchPlan, DepthOnlyPassesSZeroAndNoSequenceBuffers) {
  std::string text = replaceOnce(exampleManifest(), "\"per_position\"", "\"depth_only\"");
  text = replaceOnce(text, "\"causal\": true", "\"causal\": false");
  text = replaceOnce(text, "{\"name\": \"k\",       \"dtype\": \"bf16\", \"role\": \"input\",  \"shape\": [\"B\", \"S\", 2, 64]},\n", "");
  text = replaceOnce(text, "{\"name\": \"v\",       \"dtype\": \"bf16\", \"role\": \"input\",  \"shape\": [\"B\", \"S\", 2, 64]},\n", "");
  text = replaceOnce(text, "{\"kind\": \"buffer\", \"tensor\": \"k\"},\n    {\"kind\": \"buffer\", \"tensor\": \"v\"}, ", "");
  moda::runtime::Manifest manifest;
  moda::runtime::Error error = moda::runtime::parseManifest(text, ".", manifest);
  ASSERT_FALSE(error.failed()) << error.message;
  Call full = validCall(), call;
  for (const char *name : {"q", "depth_k", "depth_v", "out", "lse"}) {
    moda_tensor &tensor = full[name];
    size_t index = &tensor - full.tensors.data();
    call.add(name, tensor.dtype, full.shapes[index],
             reinterpret_cast<uintptr_t>(tensor.data));
  }
  moda::runtime::LaunchPlan plan;
  error = moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  ASSERT_EQ(plan.parameterValues.size(), 5u * 5 + 4);
  EXPECT_EQ(plan.parameterValues[25], 2u);  // B
  EXPECT_EQ(plan.parameterValues[26], 100u); // T
  EXPECT_EQ(plan.parameterValues[27], 0u);   // S: no sequence keys
  EXPECT_EQ(plan.parameterValues[28], 3u);   // L
}

TEST(LaunchPlan, AHugeDivisorDoesNotOverflowTheCeiling) {
  // ceil(T * G / block_m) must not be computed as (T * G + block_m - 1) /
  // block_m: with block_m = INT64_MAX that sum overflows.
  std::string text = replaceOnce(exampleManifest(), "\"block_m\": 128",
                                 "\"block_m\": 9223372036854775807");
  text = replaceOnce(text, "\"divisor\": 128", "\"divisor\": 9223372036854775807");
  moda::runtime::Manifest manifest;
  moda::runtime::Error error = moda::runtime::parseManifest(text, ".", manifest);
  ASSERT_FALSE(error.failed()) << error.message;
  Call call = validCall();
  moda::runtime::LaunchPlan plan;
  error = moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_EQ(plan.grid, (std::array<unsigned, 3>{1, 2, 2}));
}

TEST(LaunchPlan, GridOverflowIsAnErrorNotAWrap) {
  moda::runtime::Manifest manifest;
  ASSERT_FALSE(moda::runtime::parseManifest(exampleManifest(), ".", manifest)
                   .failed());
  // B = 0 leaves T unbounded by the element counts; T * G overflows.
  Call call = validCall();
  for (std::vector<int64_t> &shape : call.shapes)
    shape[0] = 0;
  for (size_t i : {0, 3, 4, 5})
    call.shapes[i][1] = INT64_MAX / 2;
  call.shapes[6][2] = INT64_MAX / 2;
  moda::runtime::LaunchPlan plan;
  moda::runtime::Error error =
      moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  EXPECT_EQ(error.status, MODA_ERROR_SHAPE);
  EXPECT_EQ(error.message, "grid dimension 0 of kernel moda_attention_0 "
                           "overflows 64 bits; the sizes are too large for "
                           "this kernel");
}

TEST(LaunchPlan, TensorsWhoseBytesOverflowAreRejected) {
  moda::runtime::Manifest manifest;
  ASSERT_FALSE(moda::runtime::parseManifest(exampleManifest(), ".", manifest)
                   .failed());
  Call call = validCall();
  // 2^53 * 8 * 64 = 2^62 elements fit in int64_t; their 2^63 bytes do not.
  for (size_t i : {0, 3, 4, 5})
    call.shapes[i][1] = int64_t(1) << 53;
  call.shapes[6][2] = int64_t(1) << 53;
  for (std::vector<int64_t> &shape : call.shapes)
    shape[0] = 1;
  moda::runtime::LaunchPlan plan;
  moda::runtime::Error error =
      moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  EXPECT_EQ(error.status, MODA_ERROR_SHAPE);
  EXPECT_EQ(error.message, "tensor q is too large");
}

TEST(LaunchPlan, EmptyBatchLaunchesNothing) {
  moda::runtime::Manifest manifest;
  ASSERT_FALSE(moda::runtime::parseManifest(exampleManifest(), ".", manifest)
                   .failed());
  Call call = validCall();
  for (std::vector<int64_t> &shape : call.shapes)
    shape[0] = 0;
  moda::runtime::LaunchPlan plan;
  moda::runtime::Error error =
      moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  EXPECT_TRUE(plan.nothingToDo);
}

TEST(KernelInfo, DescribesTheManifest) {
  std::string path = writeTempFile("info.json", replaceOnce(exampleManifest(), "\"T\": null", "\"T\": 256"));
  moda_kernel *kernel = nullptr;
  ASSERT_EQ(moda_kernel_load_manifest_only(path.c_str(), &kernel), MODA_SUCCESS)
      << moda_last_error();
  moda_kernel_info info;
  ASSERT_EQ(moda_kernel_get_info(kernel, &info), MODA_SUCCESS);
  EXPECT_STREQ(info.entry, "moda_attention_0");
  EXPECT_STREQ(info.target, "sm_90a");
  EXPECT_EQ(info.element_type, MODA_BF16);
  EXPECT_EQ(info.causal, 1);
  EXPECT_EQ(info.visibility, MODA_VISIBILITY_PER_POSITION);
  EXPECT_DOUBLE_EQ(info.scale, 0.125);
  EXPECT_EQ(info.num_query_heads, 8);
  EXPECT_EQ(info.num_kv_heads, 2);
  EXPECT_EQ(info.head_dim, 64);
  EXPECT_EQ(info.num_tensors, 7);
  EXPECT_EQ(info.fixed_sizes[MODA_SYMBOL_T], 256);
  EXPECT_EQ(info.fixed_sizes[MODA_SYMBOL_B], -1);
  EXPECT_EQ(info.config.block_m, 128);
  EXPECT_STREQ(info.config.mma, "mma_sync");
  EXPECT_EQ(info.block[0], 256u);
  EXPECT_STREQ(info.module_source, "none");
  moda_tensor_info tensor;
  ASSERT_EQ(moda_kernel_get_tensor_info(kernel, 6, &tensor), MODA_SUCCESS);
  EXPECT_STREQ(tensor.name, "lse");
  EXPECT_EQ(tensor.role, MODA_ROLE_OUTPUT);
  EXPECT_EQ(tensor.dtype, MODA_F32);
  ASSERT_EQ(tensor.rank, 3);
  EXPECT_EQ(tensor.dim_symbols[0], MODA_SYMBOL_B);
  EXPECT_EQ(tensor.dims[0], -1);
  EXPECT_EQ(tensor.dim_symbols[1], -1);
  EXPECT_EQ(tensor.dims[1], 8);
  EXPECT_EQ(tensor.dim_symbols[2], MODA_SYMBOL_T);
  EXPECT_EQ(tensor.dims[2], 256);
  EXPECT_EQ(moda_kernel_get_tensor_info(kernel, 7, &tensor),
            MODA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(moda_last_error(), "tensor index 7 is out of range [0, 7)");
  moda_kernel_free(kernel);
}

TEST(KernelLoad, ErrorsNameTheProblem) {
  moda_kernel *kernel = reinterpret_cast<moda_kernel *>(0x1);
  EXPECT_EQ(moda_kernel_load_manifest_only("/nonexistent/k.json", &kernel),
            MODA_ERROR_IO);
  EXPECT_EQ(kernel, nullptr);
  EXPECT_NE(std::string(moda_last_error()).find("cannot open '/nonexistent/k.json'"),
            std::string::npos);
  EXPECT_EQ(moda_kernel_load_manifest_only(nullptr, &kernel),
            MODA_ERROR_INVALID_ARGUMENT);
  EXPECT_STREQ(moda_last_error(), "manifest_path is NULL");
  std::string path = writeTempFile("broken.json", "{\"format\": \"moda-kernel/1\"}");
  EXPECT_EQ(moda_kernel_load_manifest_only(path.c_str(), &kernel),
            MODA_ERROR_MANIFEST);
  EXPECT_EQ(std::string(moda_last_error()),
            "manifest '" + path + "': missing required field \"op\"");
  EXPECT_STREQ(moda_status_name(MODA_ERROR_STRIDE), "MODA_ERROR_STRIDE");
}

/// Only meaningful where no driver is installed (the build machine).
TEST(KernelLoad, WithoutADriverTheErrorSaysSo) {
  if (void *driver = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) {
    dlclose(driver);
    GTEST_SKIP() << "a CUDA driver is installed here";
  }
  std::string path = writeTempFile("nodriver.json", exampleManifest());
  moda_kernel *kernel = nullptr;
  EXPECT_EQ(moda_kernel_load(path.c_str(), &kernel), MODA_ERROR_NO_DRIVER);
  EXPECT_EQ(kernel, nullptr);
  EXPECT_EQ(std::string(moda_last_error()).rfind("CUDA driver not found (libcuda.so.1)", 0), 0u)
      << moda_last_error();
  void *pointer = nullptr;
  EXPECT_EQ(moda_device_alloc(64, &pointer), MODA_ERROR_NO_DRIVER);
  char name[64];
  EXPECT_EQ(moda_device_name(name, sizeof name), MODA_ERROR_NO_DRIVER);
}

} // namespace

//===----------------------------------------------------------------------===//
// Views: tensors the kernels take with their strides
//===----------------------------------------------------------------------===//

/// Inputs/attention_views.json: the example manifest with q, depth_k and
/// out taken as views (as a tile program's forward takes them): "strided",
/// their strides after the sizes.
std::string viewManifest() {
  return moda::test::readInput("attention_views.json");
}

TEST(LaunchPlan, AViewPassesItsStridesAfterTheSizes) {
  moda::runtime::Manifest manifest;
  moda::runtime::Error error =
      moda::runtime::parseManifest(viewManifest(), ".", manifest);
  ASSERT_FALSE(error.failed()) << error.message;
  Call call = validCall();
  // q: a slice of a fused [B, T, Hq + 2 Hk, D] projection (Hq + 2 Hk = 12).
  int64_t fused[] = {100 * 12 * 64, 12 * 64, 64, 1};
  call["q"].strides = fused;
  // depth_k: the first L = 3 slots of a stream buffer of capacity 8.
  int64_t stream[] = {100 * 8 * 2 * 64, 8 * 2 * 64, 2 * 64, 64, 1};
  call["depth_k"].strides = stream;
  moda::runtime::LaunchPlan plan;
  error = moda::runtime::planLaunch(manifest, call.data(), call.size(), plan);
  ASSERT_FALSE(error.failed()) << error.message;
  // Seven buffers of five u64 each, B, T, S, L, then the views' strides:
  // q's and depth_k's as passed, out's dense (NULL strides).
  std::vector<uint64_t> strides(plan.parameterValues.end() - 10,
                                plan.parameterValues.end());
  EXPECT_EQ(strides, (std::vector<uint64_t>{100 * 12 * 64, 12 * 64, 64,
                                             100 * 8 * 2 * 64, 8 * 2 * 64,
                                             2 * 64, 64, 100 * 8 * 64, 8 * 64,
                                             64}));
  // A view's buffer reaches from its first element to its last.
  EXPECT_EQ(plan.parameterValues[3],
            uint64_t(1 * 100 * 12 * 64 + 99 * 12 * 64 + 7 * 64 + 63 + 1));
  EXPECT_EQ(plan.parameterValues[3 * 5 + 3], // depth_k, the fourth buffer
            uint64_t(1 * 100 * 8 * 128 + 99 * 8 * 128 + 2 * 128 + 64 + 63 + 1));
}

class ViewValidation : public LaunchValidation {
protected:
  void SetUp() override { kernel = load(viewManifest()); }
};

TEST_F(ViewValidation, TheInnermostDimensionIsContiguous) {
  Call call = validCall();
  int64_t strided[] = {100 * 8 * 128, 8 * 128, 128, 2};
  call["q"].strides = strided;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor q: the innermost dimension (D) must be contiguous "
            "(stride 1), got stride 2");
}

TEST_F(ViewValidation, StridesAreWholeSixteenByteChunks) {
  Call call = validCall();
  int64_t odd[] = {100 * 8 * 68, 8 * 68, 68, 1};
  call["q"].strides = odd;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor q: stride of dimension 2 (Hq) is 68; a view's strides "
            "must be non-negative multiples of 8 elements (16 bytes)");
  int64_t negative[] = {100 * 8 * 64, -8 * 64, 64, 1};
  call["q"].strides = negative;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor q: stride of dimension 1 (T) is -512; a view's strides "
            "must be non-negative multiples of 8 elements (16 bytes)");
}

TEST_F(ViewValidation, InputsMayBroadcastOutputsMayNotOverlap) {
  Call call = validCall();
  // Every query head reads one row (stride 0 over Hq): a broadcast input.
  int64_t broadcast[] = {100 * 64, 64, 0, 1};
  call["q"].strides = broadcast;
  EXPECT_EQ(moda_kernel_validate(kernel, call.data(), call.size()),
            MODA_SUCCESS)
      << moda_last_error();
  call["out"].strides = broadcast;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor out: output elements overlap (stride 0 of dimension 2 "
            "(Hq) must exceed 0, the farthest offset the dimensions with "
            "smaller strides reach)");
  // Heads 32 elements apart: each head's 64 overlap the next one's.
  int64_t interleaved[] = {100 * 8 * 64, 8 * 64, 32, 1};
  call["out"].strides = interleaved;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor out: output elements overlap (stride 32 of dimension 2 "
            "(Hq) must exceed 63, the farthest offset the dimensions with "
            "smaller strides reach)");
}

TEST_F(ViewValidation, AContiguousTensorIsNotAView) {
  // lse stays contiguous even in a manifest of views.
  Call call = validCall();
  int64_t padded[] = {8 * 128, 128, 1};
  call["lse"].strides = padded;
  EXPECT_EQ(expectError(call, MODA_ERROR_STRIDE),
            "tensor lse: stride of dimension 1 (Hq) is 128 but the dense "
            "row-major layout needs 100; only dense contiguous tensors are "
            "supported (make it contiguous first)");
}
