//===- moda-run.cpp - run, check and time one compiled moda kernel --------===//
//
// Loads a kernel artifact through the runtime's C API, runs it on fresh random
// inputs with poisoned outputs, compares out and lse with the float64
// reference (docs/semantics.md, "How results are judged") and times it with
// CUDA events. A kernel over a paged KV cache gets a pool of pages and a
// block table that places each batch entry's pages at random in it.
//
//===----------------------------------------------------------------------===//

#include "Elements.h"
#include "Options.h"

#include "moda/Reference/Reference.h"
#include "moda/Runtime/moda_runtime.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace moda::run;
namespace ref = moda::reference;

namespace {

constexpr int kExitPass = 0;
constexpr int kExitFail = 1;
constexpr int kExitError = 2;
/// 0xFF bytes are NaN in bf16, f16 and f32 alike: an unwritten element fails.
constexpr unsigned char kPoisonByte = 0xFF;

const char *const kSymbolNames[MODA_NUM_SYMBOLS] = {"B", "T", "S", "L", "N"};

/// The tolerances of docs/semantics.md, by the kernel's element type.
double toleranceFor(int elementType) {
  switch (elementType) {
  case MODA_BF16:
    return 4e-3;
  case MODA_F16:
    return 1e-3;
  default:
    return 1e-5;
  }
}

struct DeviceTensor {
  moda_tensor_info info;
  std::vector<int64_t> shape;
  size_t elements = 0;
  void *device = nullptr;
  std::vector<double> values; // inputs as stored; outputs as last read back

  size_t bytes() const { return elements * elementBytes(info.dtype); }
};

struct CheckResult {
  std::string when;
  double outError = 0, lseError = 0;
  bool pass = false;
};

std::string jsonString(const std::string &text) {
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      quoted += escaped;
    } else {
      quoted += c;
    }
  }
  return quoted + "\"";
}

/// JSON has no Inf or NaN: those become null.
std::string jsonNumber(double value) {
  if (!std::isfinite(value))
    return "null";
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

class Runner {
public:
  explicit Runner(Options options) : options(std::move(options)) {}

  ~Runner() {
    for (DeviceTensor &tensor : tensors)
      moda_device_free(tensor.device);
    moda_kernel_free(kernel);
  }

  int run() {
    if (!succeeded(moda_kernel_load(options.manifestPath.c_str(), &kernel),
                   "cannot load the kernel") ||
        !succeeded(moda_kernel_get_info(kernel, &info), "moda_kernel_get_info"))
      return kExitError;
    if (std::string(info.op) != "attention") {
      std::fprintf(stderr,
                   "moda-run: %s is a %s kernel; moda-run checks and times "
                   "forward kernels (the backward is checked by "
                   "bench/grad_check_suite.py through python/moda)\n",
                   options.manifestPath.c_str(), info.op);
      return kExitError;
    }
    if (info.packed) {
      std::fprintf(stderr,
                   "moda-run: %s takes packed sequences, whose offsets and "
                   "max_seqlen moda-run does not make up (bench/packed_suite.py "
                   "checks such kernels through python/moda)\n",
                   options.manifestPath.c_str());
      return kExitError;
    }
    char device[256];
    if (!succeeded(moda_device_name(device, sizeof device), "moda_device_name"))
      return kExitError;
    deviceName = device;
    if (!resolveSizes() || !createTensors())
      return kExitError;
    printHeader();
    bool pass = true;
    if (options.check) {
      computeReference();
      if (!checkOnce("first launch", [&] { return launch(); }, pass))
        return kExitError;
    }
    if (!timeLaunches())
      return kExitError;
    // The timed launches wrote poisoned outputs again: check what they left.
    if (options.check && !checkOnce("after timing", [] { return true; }, pass))
      return kExitError;
    if (!options.jsonPath.empty() && !writeJson(pass))
      return kExitError;
    if (options.check)
      std::printf("result    %s\n", pass ? "PASS" : "FAIL");
    return pass ? kExitPass : kExitFail;
  }

private:
  Options options;
  moda_kernel *kernel = nullptr;
  moda_kernel_info info;
  std::string deviceName;
  std::array<int64_t, MODA_NUM_SYMBOLS> sizes{};
  std::vector<DeviceTensor> tensors;
  std::vector<double> referenceOut, referenceLse;
  std::vector<CheckResult> checks;
  std::vector<float> timesMs;
  /// A paged kernel's block table, and the sizes its launches pass.
  std::vector<int32_t> blockTable;
  std::array<int64_t, MODA_NUM_SYMBOLS> callSizes{};

  static bool succeeded(moda_status status, const char *what) {
    if (status == MODA_SUCCESS)
      return true;
    std::fprintf(stderr, "moda-run: %s: %s: %s\n", what,
                 moda_status_name(status), moda_last_error());
    return false;
  }

  bool paged() const { return info.page_size > 0; }

  /// The pages a batch entry's S keys take.
  int64_t pagesPerSequence() const {
    return (sizes[MODA_SYMBOL_S] + info.page_size - 1) / info.page_size;
  }

  /// The sizes a launch passes that no tensor carries: a paged kernel's S
  /// (null otherwise: the tensors give every size).
  const int64_t *callerSizes() {
    callSizes.fill(-1);
    callSizes[MODA_SYMBOL_S] = sizes[MODA_SYMBOL_S];
    return paged() ? callSizes.data() : nullptr;
  }

  /// A paged kernel's S (the cached keys, which no tensor carries) must be
  /// given; its pool, N pages, defaults to the pages the batch's keys take
  /// plus one that no table names.
  bool resolvePagedSizes() {
    if (options.sizes[MODA_SYMBOL_S] < 0) {
      std::fprintf(stderr, "moda-run: %s reads a paged KV cache: pass --S, the "
                           "keys each batch entry has cached\n",
                   info.entry);
      return false;
    }
    sizes[MODA_SYMBOL_S] = options.sizes[MODA_SYMBOL_S];
    int64_t needed = sizes[MODA_SYMBOL_B] * pagesPerSequence();
    sizes[MODA_SYMBOL_N] = options.sizes[MODA_SYMBOL_N] >= 0
                               ? options.sizes[MODA_SYMBOL_N]
                               : needed + 1;
    if (sizes[MODA_SYMBOL_N] < needed) {
      std::fprintf(stderr, "moda-run: --N %lld pages cannot hold %lld batch "
                           "entries of %lld keys in pages of %lld\n",
                   static_cast<long long>(sizes[MODA_SYMBOL_N]),
                   static_cast<long long>(sizes[MODA_SYMBOL_B]),
                   static_cast<long long>(sizes[MODA_SYMBOL_S]),
                   static_cast<long long>(info.page_size));
      return false;
    }
    return true;
  }

  /// Command line first, then the manifest's fixed value. A value that
  /// contradicts the manifest is passed on: the runtime reports it.
  bool resolveSizes() {
    std::array<bool, MODA_NUM_SYMBOLS> used{};
    // A paged kernel's S is the call's.
    used[MODA_SYMBOL_S] = paged();
    for (int i = 0; i < info.num_tensors; ++i) {
      moda_tensor_info tensor;
      if (!succeeded(moda_kernel_get_tensor_info(kernel, i, &tensor),
                     "moda_kernel_get_tensor_info"))
        return false;
      for (int d = 0; d < tensor.rank; ++d)
        if (tensor.dim_symbols[d] >= 0)
          used[tensor.dim_symbols[d]] = true;
    }
    for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol) {
      int64_t given = options.sizes[symbol];
      if (given >= 0 && !used[symbol]) {
        std::fprintf(stderr, "moda-run: --%s given, but no tensor of kernel %s "
                             "has a dimension %s\n",
                     kSymbolNames[symbol], info.entry, kSymbolNames[symbol]);
        return false;
      }
      if (!used[symbol])
        continue; // the ABI passes 0
      if (paged() && (symbol == MODA_SYMBOL_S || symbol == MODA_SYMBOL_N))
        continue; // resolvePagedSizes, after B
      sizes[symbol] = given >= 0 ? given : info.fixed_sizes[symbol];
      if (sizes[symbol] < 0) {
        std::fprintf(stderr, "moda-run: size %s is dynamic in the manifest: "
                             "pass --%s\n",
                     kSymbolNames[symbol], kSymbolNames[symbol]);
        return false;
      }
    }
    return !paged() || resolvePagedSizes();
  }

  /// A paged kernel's block table: each batch entry's first pages distinct
  /// pages of a shuffled pool, the rest of its row 0.
  std::vector<int32_t> makeBlockTable(std::mt19937_64 &generator) const {
    std::vector<int32_t> pool(sizes[MODA_SYMBOL_N]);
    for (size_t page = 0; page < pool.size(); ++page)
      pool[page] = static_cast<int32_t>(page);
    std::shuffle(pool.begin(), pool.end(), generator);
    int64_t width = info.pages_per_entry, used = pagesPerSequence();
    std::vector<int32_t> table(sizes[MODA_SYMBOL_B] * width, 0);
    for (int64_t b = 0; b < sizes[MODA_SYMBOL_B]; ++b)
      for (int64_t column = 0; column < std::min(used, width); ++column)
        table[b * width + column] = pool[b * used + column];
    return table;
  }

  bool createTensors() {
    std::mt19937_64 generator(options.seed);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> uniform(-1.0, 1.0);
    for (int i = 0; i < info.num_tensors; ++i) {
      DeviceTensor tensor;
      moda_kernel_get_tensor_info(kernel, i, &tensor.info);
      tensor.elements = 1;
      for (int d = 0; d < tensor.info.rank; ++d) {
        int symbol = tensor.info.dim_symbols[d];
        tensor.shape.push_back(symbol >= 0 ? sizes[symbol] : tensor.info.dims[d]);
        tensor.elements *= static_cast<size_t>(tensor.shape.back());
      }
      if (!succeeded(moda_device_alloc(tensor.bytes(), &tensor.device),
                     "cannot allocate device memory"))
        return false;
      tensors.push_back(tensor);
      DeviceTensor &stored = tensors.back();
      if (stored.info.role != MODA_ROLE_INPUT)
        continue;
      std::vector<unsigned char> bytes;
      if (stored.info.dtype == MODA_I32) { // the block table
        blockTable = makeBlockTable(generator);
        bytes.resize(blockTable.size() * sizeof(int32_t));
        std::memcpy(bytes.data(), blockTable.data(), bytes.size());
      } else {
        stored.values.resize(stored.elements);
        for (double &value : stored.values)
          value = options.distribution == Distribution::Normal
                      ? normal(generator)
                      : uniform(generator);
        encodeElements(stored.info.dtype, stored.values, bytes);
      }
      if (!succeeded(moda_copy_to_device(stored.device, bytes.data(),
                                         bytes.size()),
                     "cannot copy inputs to the device"))
        return false;
    }
    return true;
  }

  std::vector<moda_tensor> arguments() const {
    std::vector<moda_tensor> result;
    for (const DeviceTensor &tensor : tensors)
      result.push_back({tensor.info.name, tensor.info.dtype, tensor.info.rank,
                        tensor.shape.data(), nullptr, tensor.device});
    return result;
  }

  bool poisonOutputs() {
    for (DeviceTensor &tensor : tensors)
      if (tensor.info.role == MODA_ROLE_OUTPUT &&
          !succeeded(moda_device_memset(tensor.device, kPoisonByte,
                                        tensor.bytes()),
                     "cannot poison outputs"))
        return false;
    return true;
  }

  bool launch() {
    std::vector<moda_tensor> call = arguments();
    return poisonOutputs() &&
           succeeded(moda_kernel_launch_sized(kernel, call.data(),
                                              static_cast<int>(call.size()),
                                              callerSizes(), nullptr),
                     "launch failed") &&
           succeeded(moda_stream_synchronize(nullptr), "the kernel failed");
  }

  bool readOutputs() {
    for (DeviceTensor &tensor : tensors) {
      if (tensor.info.role != MODA_ROLE_OUTPUT)
        continue;
      std::vector<unsigned char> bytes(tensor.bytes());
      if (!succeeded(moda_copy_to_host(bytes.data(), tensor.device,
                                       bytes.size()),
                     "cannot copy outputs to the host"))
        return false;
      tensor.values = decodeElements(tensor.info.dtype, bytes);
    }
    return true;
  }

  const DeviceTensor *find(const char *name) const {
    for (const DeviceTensor &tensor : tensors)
      if (std::string(tensor.info.name) == name)
        return &tensor;
    return nullptr;
  }

  const double *inputValues(const char *name) const {
    const DeviceTensor *tensor = find(name);
    return tensor ? tensor->values.data() : nullptr;
  }

  /// A paged kernel's keys (or values) `name` as [B, S, Hk, D], through
  /// its block table.
  std::vector<double> gatherPages(const char *name) const {
    int64_t row = info.num_kv_heads * info.head_dim;
    std::vector<double> gathered(sizes[MODA_SYMBOL_B] * sizes[MODA_SYMBOL_S] * row);
    ref::gatherPages(find(name)->values.data(), blockTable.data(),
                     sizes[MODA_SYMBOL_B], sizes[MODA_SYMBOL_S], info.page_size,
                     info.pages_per_entry, row, gathered.data());
    return gathered;
  }

  void computeReference() {
    ref::AttentionProblem problem{};
    problem.batch = sizes[MODA_SYMBOL_B];
    problem.queries = sizes[MODA_SYMBOL_T];
    problem.keys = sizes[MODA_SYMBOL_S];
    problem.depth = sizes[MODA_SYMBOL_L];
    problem.queryHeads = info.num_query_heads;
    problem.kvHeads = info.num_kv_heads;
    problem.headDim = info.head_dim;
    problem.causal = info.causal != 0;
    problem.visibility = info.visibility == MODA_VISIBILITY_CHUNK
                             ? ref::Visibility::Chunk
                         : info.visibility == MODA_VISIBILITY_DEPTH_ONLY
                             ? ref::Visibility::DepthOnly
                             : ref::Visibility::PerPosition;
    problem.chunkSize = info.chunk_size;
    problem.scale = info.scale;
    referenceOut.assign(find("out")->elements, 0.0);
    referenceLse.assign(find("lse")->elements, 0.0);
    std::vector<double> keys, values;
    if (paged()) {
      keys = gatherPages("k");
      values = gatherPages("v");
    }
    ref::attentionForward(problem, inputValues("q"),
                          paged() ? keys.data() : inputValues("k"),
                          paged() ? values.data() : inputValues("v"),
                          inputValues("depth_k"),
                          inputValues("depth_v"), referenceOut.data(),
                          referenceLse.data());
  }

  template <typename Produce>
  bool checkOnce(const char *when, Produce produceOutputs, bool &pass) {
    if (!produceOutputs() || !readOutputs())
      return false;
    CheckResult result;
    result.when = when;
    result.outError = ref::relativeError(find("out")->values.data(),
                                         referenceOut.data(),
                                         referenceOut.size());
    result.lseError = ref::lseError(find("lse")->values.data(),
                                    referenceLse.data(), referenceLse.size());
    double tolerance = toleranceFor(info.element_type);
    result.pass = result.outError <= tolerance && result.lseError <= tolerance;
    std::printf("check     %-13s out rel_err %.3e  lse err %.3e  (tolerance "
                "%.0e)  %s\n",
                when, result.outError, result.lseError, tolerance,
                result.pass ? "PASS" : "FAIL");
    pass = pass && result.pass;
    checks.push_back(result);
    return true;
  }

  bool timeLaunches() {
    std::vector<moda_tensor> call = arguments();
    timesMs.assign(static_cast<size_t>(options.iters), 0.0f);
    if (!poisonOutputs() ||
        !succeeded(moda_kernel_benchmark_sized(
                       kernel, call.data(), static_cast<int>(call.size()),
                       callerSizes(), nullptr, options.warmup, options.iters,
                       timesMs.data()),
                   "timing failed"))
      return false;
    std::printf("time      median %.4f ms  min %.4f ms  over %d launches "
                "(%d warmup)\n",
                medianMs(), *std::min_element(timesMs.begin(), timesMs.end()),
                options.iters, options.warmup);
    return true;
  }

  double medianMs() const {
    std::vector<float> sorted = timesMs;
    std::sort(sorted.begin(), sorted.end());
    size_t middle = sorted.size() / 2;
    return sorted.size() % 2 ? sorted[middle]
                             : 0.5 * (sorted[middle - 1] + sorted[middle]);
  }

  void printHeader() const {
    static const char *const visibilities[] = {"per_position", "chunk",
                                               "depth_only"};
    std::printf("kernel    %s (%s, %s, %s", info.entry,
                moda_dtype_name(info.element_type),
                info.causal ? "causal" : "non-causal",
                visibilities[info.visibility]);
    if (info.visibility == MODA_VISIBILITY_CHUNK)
      std::printf(" C=%lld", static_cast<long long>(info.chunk_size));
    std::printf(", Hq=%lld Hk=%lld D=%lld) from %s\n",
                static_cast<long long>(info.num_query_heads),
                static_cast<long long>(info.num_kv_heads),
                static_cast<long long>(info.head_dim), info.module_source);
    std::printf("device    %s\n", deviceName.c_str());
    std::printf("sizes     B=%lld T=%lld S=%lld L=%lld  (seed %llu, %s "
                "inputs)\n",
                static_cast<long long>(sizes[0]),
                static_cast<long long>(sizes[1]),
                static_cast<long long>(sizes[2]),
                static_cast<long long>(sizes[3]),
                static_cast<unsigned long long>(options.seed),
                options.distribution == Distribution::Normal ? "normal"
                                                             : "uniform");
    if (paged())
      std::printf("pages     N=%lld of %lld keys, %lld per batch entry "
                  "(placed at random)\n",
                  static_cast<long long>(sizes[MODA_SYMBOL_N]),
                  static_cast<long long>(info.page_size),
                  static_cast<long long>(info.pages_per_entry));
  }

  bool writeJson(bool pass) const {
    FILE *file = std::fopen(options.jsonPath.c_str(), "w");
    if (!file) {
      std::fprintf(stderr, "moda-run: cannot write '%s'\n",
                   options.jsonPath.c_str());
      return false;
    }
    std::fprintf(file, "{\n  \"manifest\": %s,\n  \"kernel\": %s,\n",
                 jsonString(options.manifestPath).c_str(),
                 jsonString(info.entry).c_str());
    std::fprintf(file, "  \"device\": %s,\n  \"element_type\": \"%s\",\n",
                 jsonString(deviceName).c_str(),
                 moda_dtype_name(info.element_type));
    std::fprintf(file, "  \"module_source\": \"%s\",\n", info.module_source);
    std::fprintf(file, "  \"sizes\": {\"B\": %lld, \"T\": %lld, \"S\": %lld, "
                       "\"L\": %lld",
                 static_cast<long long>(sizes[0]),
                 static_cast<long long>(sizes[1]),
                 static_cast<long long>(sizes[2]),
                 static_cast<long long>(sizes[3]));
    // N: the tokens of packed kernels (which moda-run refuses) or a paged
    // kernel's pages.
    if (paged())
      std::fprintf(file, ", \"N\": %lld, \"page_size\": %lld",
                   static_cast<long long>(sizes[MODA_SYMBOL_N]),
                   static_cast<long long>(info.page_size));
    std::fprintf(file, "},\n");
    std::fprintf(file, "  \"seed\": %llu,\n  \"tolerance\": %s,\n  \"checks\": [",
                 static_cast<unsigned long long>(options.seed),
                 jsonNumber(toleranceFor(info.element_type)).c_str());
    for (size_t i = 0; i < checks.size(); ++i)
      std::fprintf(file, "%s\n    {\"when\": %s, \"out_rel_err\": %s, "
                         "\"lse_err\": %s, \"pass\": %s}",
                   i ? "," : "", jsonString(checks[i].when).c_str(),
                   jsonNumber(checks[i].outError).c_str(),
                   jsonNumber(checks[i].lseError).c_str(),
                   checks[i].pass ? "true" : "false");
    std::fprintf(file, "%s],\n", checks.empty() ? "" : "\n  ");
    std::fprintf(file, "  \"pass\": %s,\n",
                 options.check ? (pass ? "true" : "false") : "null");
    std::fprintf(file, "  \"warmup\": %d,\n  \"iters\": %d,\n  \"median_ms\": "
                       "%s,\n  \"times_ms\": [",
                 options.warmup, options.iters, jsonNumber(medianMs()).c_str());
    for (size_t i = 0; i < timesMs.size(); ++i)
      std::fprintf(file, "%s%s", i ? ", " : "", jsonNumber(timesMs[i]).c_str());
    std::fprintf(file, "]\n}\n");
    bool written = std::fclose(file) == 0;
    if (!written)
      std::fprintf(stderr, "moda-run: cannot write '%s'\n",
                   options.jsonPath.c_str());
    return written;
  }
};

} // namespace

int main(int argc, char **argv) {
  Options options;
  std::string error;
  if (!parseOptions(argc, argv, options, error)) {
    if (!error.empty())
      std::fprintf(stderr, "moda-run: %s\n", error.c_str());
    std::fprintf(error.empty() ? stdout : stderr, "%s", kUsage);
    return error.empty() ? kExitPass : kExitError;
  }
  return Runner(std::move(options)).run();
}
