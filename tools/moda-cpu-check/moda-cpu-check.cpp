//===- moda-cpu-check.cpp - the forward kernel on the CPU, case by case ---===//
//
// Runs a matrix of small moda.attention cases through the CPU path (the tiled
// kernel, compiled for the host, executed by MLIR's ExecutionEngine) against
// the float64 reference. Shapes are deliberately not multiples of the tiles.
//
//===----------------------------------------------------------------------===//

#include "AttentionCase.h"
#include "GradCase.h"
#include "GraphCase.h"

#include "moda/InitModa.h"
#include "moda/Support/InputNesting.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/SourceMgr.h"
#include "mlir/Parser/Parser.h"
#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <vector>

using namespace moda;
using namespace moda::cpucheck;
using reference::Visibility;

static llvm::cl::opt<std::string>
    filter("filter", llvm::cl::desc("Run only cases whose description "
                                    "contains this text"),
           llvm::cl::init(""));
static llvm::cl::opt<std::string>
    jsonPath("json", llvm::cl::desc("Write the results as JSON here"),
             llvm::cl::init(""));
static llvm::cl::opt<std::string> inputPath(
    "input", llvm::cl::desc("Check every moda.attention of this .mlir file "
                            "(static shapes) instead of the built-in matrix"),
    llvm::cl::init(""));
static llvm::cl::opt<bool> wholeGraph(
    "whole-graph",
    llvm::cl::desc("With --input: compile the file's public function whole "
                   "(its depth streams included) and check its results "
                   "against a float64 interpretation of the same graph, "
                   "instead of each moda.attention on its own"),
    llvm::cl::init(false));
static llvm::cl::opt<bool> grad(
    "grad", llvm::cl::desc("Check the backward (moda.attention_grad, fed by "
                           "the forward's out and lse) instead of the "
                           "forward: the five gradients against the float64 "
                           "reference backward, and tiny f32 cases against "
                           "central finite differences of the forward"),
    llvm::cl::init(false));
static llvm::cl::opt<uint64_t> seed("seed",
                                    llvm::cl::desc("Seed of the inputs"),
                                    llvm::cl::init(2026));

/// One case of the matrices: B, T, S, Hk, G, D, L, causal, visibility,
/// chunk size, default scale (rounded to f32, as the kernel stores it), and
/// heuristic (std::nullopt) or pinned tiles.
static AttentionCase makeCase(ElementType type, int64_t b, int64_t t,
                              int64_t s, int64_t hk, int64_t g, int64_t d,
                              int64_t l, bool causal, Visibility visibility,
                              int64_t chunk, std::optional<TileConfig> config) {
  reference::AttentionProblem p{b, t, s, l, hk * g, hk, d, causal,
                                visibility, chunk,
                                double(float(1.0 / std::sqrt(double(d))))};
  return {p, type, config};
}

/// Cases whose L is a runtime size (the depth tensors typed `?`, as a
/// training step's growing depth stream compiles once for every layer):
/// chunk and per-position visibility at L = 0 (the depth operands are
/// there and empty), 1 and 7, heuristic and small tiles.
static void addDynamicDepthCases(std::vector<AttentionCase> &cases) {
  const TileConfig small{16, 16, 16};
  for (int64_t l : {0, 1, 7})
    for (AttentionCase c :
         {makeCase(ElementType::BF16, 1, 45, 45, 2, 2, 64, l, true,
                   Visibility::Chunk, 16, small),
          makeCase(ElementType::BF16, 1, 33, 33, 1, 4, 64, l, false,
                   Visibility::Chunk, 5, std::nullopt),
          makeCase(ElementType::F16, 1, 37, 37, 2, 2, 64, l, true,
                   Visibility::PerPosition, 0, std::nullopt)}) {
      c.dynamicDepth = true;
      cases.push_back(c);
    }
}

/// A packed case: sequences of `lengths` back to back, the launcher given
/// `maxSeqlen` (the longest length when not given).
static AttentionCase makePackedCase(ElementType type,
                                    std::vector<int64_t> lengths, int64_t hk,
                                    int64_t g, int64_t d, int64_t l,
                                    bool causal, Visibility visibility,
                                    int64_t chunk,
                                    std::optional<TileConfig> config,
                                    std::optional<int64_t> maxSeqlen = {}) {
  int64_t tokens = 0, longest = 0;
  for (int64_t length : lengths) {
    tokens += length;
    longest = std::max(longest, length);
  }
  bool hasSequence = visibility != Visibility::DepthOnly;
  AttentionCase c = makeCase(type, 1, tokens, hasSequence ? tokens : 0, hk, g,
                             d, l, causal, visibility, chunk, config);
  c.sequenceLengths = std::move(lengths);
  c.maxSeqlen = maxSeqlen.value_or(longest);
  return c;
}

/// Packed sequences (the tile programs compile them): every variant,
/// uneven lengths with lengths 1 and 0, one long and many short, and a
/// max_seqlen smaller than a sequence (blocks then take several query
/// blocks each), even 0 (the launcher bounds it below by 1).
static void addPackedCases(std::vector<AttentionCase> &cases) {
  const TileConfig small{16, 16, 16};
  cases.push_back(makePackedCase(ElementType::BF16, {37, 1, 0, 120, 5}, 2, 4,
                                 64, 7, true, Visibility::PerPosition, 0,
                                 std::nullopt));
  cases.push_back(makePackedCase(ElementType::F16, {64, 17}, 2, 1, 64, 0,
                                 false, Visibility::PerPosition, 0, small));
  cases.push_back(makePackedCase(ElementType::BF16, {45, 3, 30}, 1, 8, 64, 3,
                                 true, Visibility::Chunk, 16, small));
  cases.push_back(makePackedCase(ElementType::F32, {29, 0, 12}, 2, 2, 32, 7,
                                 false, Visibility::DepthOnly, 0, small));
  cases.push_back(makePackedCase(ElementType::BF16,
                                 {300, 1, 1, 2, 3, 5, 8, 13}, 1, 2, 64, 1,
                                 true, Visibility::PerPosition, 0,
                                 std::nullopt));
  cases.push_back(makePackedCase(ElementType::F16, {70, 9}, 2, 2, 64, 3, true,
                                 Visibility::PerPosition, 0, small,
                                 /*maxSeqlen=*/16));
  cases.push_back(makePackedCase(ElementType::BF16, {23, 40}, 1, 4, 64, 1,
                                 false, Visibility::Chunk, 8, small,
                                 /*maxSeqlen=*/0));
}

/// Split-KV (kv_splits pinned): decoding against a cache, several query
/// blocks, shares past a block's last key tile (causal blocks near the
/// start: empty, lse -inf, skipped by the merge), rows that see no
/// sequence key, chunk visibility, and more shares than key tiles (a cache
/// still short while the kernel was split for a long one). And the PyTorch
/// operator's decoding kernels as the configuration pass makes them: B and
/// T static, the cache length S a runtime size, heuristic configuration
/// (split for the multiprocessors: 132 / (B * Hk) shares), run on caches of
/// one key tile and of five.
static void addKeySplitCases(std::vector<AttentionCase> &cases) {
  for (AttentionCase c :
       {makeCase(ElementType::BF16, 1, 1, 20, 2, 4, 64, 3, true,
                 Visibility::PerPosition, 0, std::nullopt),
        makeCase(ElementType::F16, 3, 2, 300, 2, 8, 64, 1, true,
                 Visibility::PerPosition, 0, std::nullopt)}) {
    c.dynamicKeys = true;
    cases.push_back(c);
  }
  auto splits = [](int64_t n) { return TileConfig{16, 16, 16, n}; };
  cases.push_back(makeCase(ElementType::BF16, 2, 1, 20, 2, 4, 64, 3, true,
                           Visibility::PerPosition, 0, splits(16)));
  cases.push_back(makeCase(ElementType::BF16, 2, 1, 300, 2, 4, 64, 3, true,
                           Visibility::PerPosition, 0, splits(3)));
  cases.push_back(makeCase(ElementType::F16, 1, 5, 130, 1, 8, 64, 0, false,
                           Visibility::PerPosition, 0, splits(4)));
  cases.push_back(makeCase(ElementType::F32, 1, 70, 70, 2, 2, 32, 7, true,
                           Visibility::Chunk, 16, splits(7)));
  cases.push_back(makeCase(ElementType::BF16, 1, 40, 23, 1, 2, 64, 1, true,
                           Visibility::PerPosition, 0, splits(2)));
}

/// A paged KV cache (moda.attention's `paged`): the decoding kernels the
/// configuration pass makes (heuristic, split for the multiprocessors),
/// pinned small tiles with splits, pages of 32 to 128 keys, caches ending
/// inside a page and on a page's end, every element type, D = 128 (whose
/// value products are deferred); each case's
/// pages shuffled in a larger pool, the table's unused columns out of
/// range.
static void addPagedCases(std::vector<AttentionCase> &cases) {
  auto paged = [&](AttentionCase c, int64_t pageSize) {
    c.pageSize = pageSize;
    cases.push_back(c);
  };
  paged(makeCase(ElementType::BF16, 2, 1, 150, 2, 4, 64, 3, true,
                 Visibility::PerPosition, 0, std::nullopt),
        64);
  paged(makeCase(ElementType::F16, 3, 4, 256, 1, 8, 64, 0, true,
                 Visibility::PerPosition, 0, std::nullopt),
        128);
  paged(makeCase(ElementType::BF16, 2, 5, 77, 2, 2, 64, 1, true,
                 Visibility::PerPosition, 0, TileConfig{16, 16, 16, 3}),
        32);
  paged(makeCase(ElementType::F32, 1, 3, 100, 2, 2, 32, 7, false,
                 Visibility::PerPosition, 0, std::nullopt),
        32);
  // D = 128: the wgmma value products deferred under the next step's
  // softmax, each step's lookups made again for the deferred load.
  paged(makeCase(ElementType::BF16, 2, 3, 200, 2, 2, 128, 1, true,
                 Visibility::PerPosition, 0, std::nullopt),
        64);
}

/// The matrix: every variant, G in {1, 2, 8}, L in {0, 1, 7}, every element
/// type, sequence lengths off the tile grid, heuristic and small tiles;
/// packed sequences.
static std::vector<AttentionCase>
buildMatrix() {
  std::vector<AttentionCase> cases;
  auto add = [&](auto... fields) { cases.push_back(makeCase(fields...)); };
  const TileConfig small{16, 16, 16};
  for (ElementType type :
       {ElementType::BF16, ElementType::F16, ElementType::F32}) {
    int64_t d = type == ElementType::F32 ? 32 : 64;
    for (int64_t g : {1, 2, 8})
      for (int64_t l : {0, 1, 7}) {
        // Self-attention, causal and not, heuristic and small tiles.
        add(type, 1, 67, 67, 2, g, d, l, /*causal=*/true,
            Visibility::PerPosition, 0, std::nullopt);
        add(type, 2, 37, 37, 1, g, d, l, /*causal=*/false,
            Visibility::PerPosition, 0, small);
      }
    for (int64_t g : {1, 8}) {
      // Chunk-visible depth, causal, with a chunk that does not divide T.
      add(type, 1, 45, 45, 2, g, d, 3, true, Visibility::Chunk, 16, small);
      add(type, 1, 33, 33, 1, g, d, 1, false, Visibility::Chunk, 5,
          std::nullopt);
      // Depth-only attention.
      add(type, 1, 29, 0, 2, g, d, 7, false, Visibility::DepthOnly, 0, small);
    }
    // Decoding: few queries against a longer cache (bottom-right causal).
    add(type, 1, 3, 70, 2, 4, d, 7, true, Visibility::PerPosition, 0, small);
    // More queries than keys: the first rows see no sequence key at all.
    add(type, 1, 40, 23, 1, 2, d, 0, true, Visibility::PerPosition, 0, small);
    add(type, 1, 40, 23, 1, 2, d, 1, true, Visibility::PerPosition, 0, small);
  }
  // Wide heads, and a depth-only row set with no entries (out 0, lse -inf).
  add(ElementType::BF16, 1, 50, 50, 2, 2, 128, 7, true,
      Visibility::PerPosition, 0, std::nullopt);
  add(ElementType::F16, 1, 9, 0, 1, 2, 64, 0, false, Visibility::DepthOnly,
      0, small);
  // Long enough that blocks see several whole sequence tiles of the
  // heuristic's tiles: the unmasked loop, whose wgmma value products
  // moda-tile-defer-value-products moves under the next step's softmax.
  add(ElementType::BF16, 1, 400, 400, 1, 2, 64, 7, true,
      Visibility::PerPosition, 0, std::nullopt);
  add(ElementType::F16, 1, 300, 300, 2, 1, 64, 0, false,
      Visibility::PerPosition, 0, std::nullopt);
  add(ElementType::BF16, 1, 520, 520, 1, 1, 128, 1, true,
      Visibility::PerPosition, 0, std::nullopt);
  addDynamicDepthCases(cases);
  addPackedCases(cases);
  addKeySplitCases(cases);
  addPagedCases(cases);
  return cases;
}

/// The operators of a user's module, each as a case.
/// The module of `path`; null after printing why (with the file's
/// locations) when it cannot be read or parsed.
static mlir::OwningOpRef<mlir::ModuleOp>
parseInputFile(mlir::MLIRContext &context, llvm::StringRef path) {
  std::string openError;
  std::unique_ptr<llvm::MemoryBuffer> input =
      mlir::moda::openParsableInput(path, openError);
  if (!input) {
    llvm::errs() << openError << "\n";
    return nullptr;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  mlir::SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  return mlir::parseSourceFile<mlir::ModuleOp>(sourceMgr, &context);
}

static std::optional<std::vector<AttentionCase>>
casesFromFile(mlir::MLIRContext &context, llvm::StringRef path) {
  mlir::OwningOpRef<mlir::ModuleOp> module = parseInputFile(context, path);
  if (!module)
    return std::nullopt;
  std::vector<AttentionCase> cases;
  bool ok = true;
  module->walk([&](mlir::moda::AttentionOp op) {
    std::string whyNot;
    mlir::FailureOr<AttentionCase> c = caseFromOp(op, whyNot);
    if (mlir::failed(c)) {
      op.emitError() << "cannot be checked on the CPU: " << whyNot;
      ok = false;
      return;
    }
    cases.push_back(*c);
  });
  if (!ok)
    return std::nullopt;
  if (cases.empty())
    llvm::errs() << "moda-cpu-check: " << path << " has no moda.attention\n";
  return cases;
}

/// The backward matrix: every variant, G in {1, 2, 4, 8, 16}, L in
/// {0, 1, 7}, every element type, shapes off the tile grid; packed
/// sequences.
static std::vector<AttentionCase>
buildGradMatrix() {
  std::vector<AttentionCase> cases;
  auto add = [&](auto... fields) { cases.push_back(makeCase(fields...)); };
  const TileConfig small{16, 16, 16};
  for (ElementType type :
       {ElementType::BF16, ElementType::F16, ElementType::F32}) {
    int64_t d = type == ElementType::F32 ? 32 : 64;
    for (int64_t g : {1, 2, 8})
      for (int64_t l : {0, 1, 7})
        add(type, 1, 37, 37, 2, g, d, l, /*causal=*/true,
            Visibility::PerPosition, 0, l == 1 ? std::optional(small)
                                               : std::nullopt);
    for (int64_t g : {1, 8})
      for (int64_t l : {0, 7})
        add(type, 2, 29, 29, 1, g, d, l, /*causal=*/false,
            Visibility::PerPosition, 0, small);
    for (int64_t g : {1, 8}) {
      add(type, 1, 45, 45, 2, g, d, 3, true, Visibility::Chunk, 16, small);
      add(type, 1, 33, 33, 1, g, d, 1, false, Visibility::Chunk, 5,
          std::nullopt);
      add(type, 1, 29, 0, 2, g, d, 7, false, Visibility::DepthOnly, 0, small);
    }
    // Decoding against a longer cache, and more queries than keys.
    add(type, 1, 3, 70, 2, 4, d, 7, true, Visibility::PerPosition, 0, small);
    add(type, 1, 40, 23, 1, 2, d, 1, true, Visibility::PerPosition, 0, small);
  }
  add(ElementType::BF16, 1, 21, 21, 1, 16, 64, 7, true,
      Visibility::PerPosition, 0, std::nullopt);
  add(ElementType::BF16, 1, 26, 26, 2, 4, 64, 7, true, Visibility::Chunk, 8,
      std::nullopt);
  add(ElementType::BF16, 1, 50, 50, 2, 2, 128, 7, true,
      Visibility::PerPosition, 0, std::nullopt);
  add(ElementType::F16, 1, 19, 19, 2, 4, 128, 0, false,
      Visibility::PerPosition, 0, std::nullopt);
  // Several key blocks and depth-entry blocks (128 per block with the
  // pinned tiles' 4 warps): causal with S > T, and non-causal with S < T.
  add(ElementType::BF16, 1, 150, 290, 1, 2, 64, 3, true,
      Visibility::PerPosition, 0, small);
  add(ElementType::F32, 1, 170, 140, 1, 2, 32, 1, false,
      Visibility::PerPosition, 0, small);
  addDynamicDepthCases(cases);
  addPackedCases(cases);
  return cases;
}

/// Tiny f32 cases whose gradients are compared with central differences.
static std::vector<AttentionCase> buildFiniteDifferenceCases() {
  auto make = [](int64_t t, int64_t s, int64_t g, int64_t l, bool causal,
                 Visibility visibility, int64_t chunk) {
    reference::AttentionProblem p{1, t, s, l, 2 * g, 2, 8, causal,
                                  visibility, chunk,
                                  double(float(1.0 / std::sqrt(8.0)))};
    return AttentionCase{p, ElementType::F32, TileConfig{4, 4, 4}};
  };
  return {make(6, 6, 2, 2, true, Visibility::PerPosition, 0),
          make(7, 7, 2, 2, false, Visibility::Chunk, 3),
          make(5, 0, 1, 3, false, Visibility::DepthOnly, 0)};
}

/// Writes a suite's results as JSON to `path`; false, with a message, when
/// the file cannot be opened or written (a full disk included).
static bool writeReport(llvm::StringRef path, llvm::StringRef suite,
                        llvm::json::Array results) {
  std::error_code ec;
  llvm::raw_fd_ostream file(path, ec);
  if (!ec) {
    file << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                       {"suite", suite},
                                       {"cases", std::move(results)}}));
    file.close();
    ec = file.error();
    // Reported here, not by the stream's destructor (a fatal error).
    file.clear_error();
  }
  if (ec)
    llvm::errs() << "moda-cpu-check: cannot write " << path << ": "
                 << ec.message() << "\n";
  return !ec;
}

static int runGradChecks(mlir::MLIRContext &context) {
  int passed = 0, failed = 0;
  llvm::json::Array results;
  auto report = [&](const std::string &name, const GradResult &r) {
    bool ok = r.passed();
    (ok ? passed : failed)++;
    std::string errors;
    llvm::json::Object entry{{"case", name}};
    for (int i = 0; i < 5; ++i) {
      if (r.errors[i] < 0) {
        errors += llvm::formatv(" {0,3} {1,-8}", kGradNames[i], "-").str();
        continue;
      }
      errors += llvm::formatv(" {0,3} {1:e2}", kGradNames[i], r.errors[i]).str();
      entry[std::string("rel_err_") + kGradNames[i]] = r.errors[i];
    }
    entry["tolerance"] = r.tolerance;
    entry["pass"] = ok;
    entry["error"] = r.error;
    results.push_back(std::move(entry));
    llvm::outs() << llvm::formatv("{0,-4} {1,-62}{2}  (tol {3:e0}){4}\n",
                                  ok ? "PASS" : "FAIL", name, errors,
                                  r.tolerance,
                                  r.error.empty() ? "" : "  " + r.error);
  };
  for (const AttentionCase &c : buildGradMatrix()) {
    std::string name = "grad " + c.describe();
    if (!filter.empty() && name.find(filter) == std::string::npos)
      continue;
    report(name, runGradOnHost(context, c, seed));
  }
  for (const AttentionCase &c : buildFiniteDifferenceCases()) {
    std::string name = "finite-differences " + c.describe();
    if (!filter.empty() && name.find(filter) == std::string::npos)
      continue;
    report(name, runFiniteDifferenceCheck(context, c, seed, 1e-4));
  }
  if (!jsonPath.empty() &&
      !writeReport(jsonPath, "cpu-grad-check", std::move(results)))
    return 2;
  llvm::outs() << "cpu-grad-check: " << passed << " passed, " << failed
               << " failed\n";
  return failed == 0 && passed > 0 ? 0 : 1;
}

/// --whole-graph: the --input file's function compiled whole, against the
/// float64 interpretation of the graph.
static int runWholeGraph(mlir::MLIRContext &context) {
  if (inputPath.empty()) {
    llvm::errs() << "moda-cpu-check: --whole-graph checks the graph of "
                    "--input\n";
    return 2;
  }
  mlir::OwningOpRef<mlir::ModuleOp> module =
      parseInputFile(context, inputPath);
  if (!module)
    return 2;
  GraphResult r = runGraphOnHost(context, *module, seed);
  bool ok = r.passed();
  llvm::json::Array results;
  llvm::outs() << (ok ? "PASS" : "FAIL") << " graph @" << r.function;
  for (const GraphResultError &e : r.results) {
    llvm::outs() << llvm::formatv("  result {0} ({1}) {2:e2}", e.index, e.kind,
                                  e.error);
    results.push_back(llvm::json::Object{{"case", r.function + " result " +
                                                      std::to_string(e.index)},
                                         {"kind", e.kind},
                                         {"rel_err", e.error},
                                         {"tolerance", r.tolerance},
                                         {"pass", e.error <= r.tolerance}});
  }
  llvm::outs() << llvm::formatv("  (tol {0:e0})", r.tolerance);
  if (!r.error.empty())
    llvm::outs() << "  " << r.error;
  llvm::outs() << "\n";
  if (!jsonPath.empty() &&
      !writeReport(jsonPath, "cpu-graph", std::move(results)))
    return 2;
  llvm::outs() << "cpu-graph-check: " << (ok ? 1 : 0) << " passed, "
               << (ok ? 0 : 1) << " failed\n";
  return ok ? 0 : 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  llvm::cl::ParseCommandLineOptions(argc, argv,
                                    "moda CPU-path correctness matrix\n");
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();

  mlir::DialectRegistry registry;
  mlir::moda::registerAllModaDialects(registry);
  mlir::moda::registerAllModaPasses();
  mlir::MLIRContext context(registry);
  context.loadAllAvailableDialects();

  if (grad) {
    if (!inputPath.empty()) {
      llvm::errs() << "moda-cpu-check: --grad runs the built-in matrix; "
                      "--input is not supported with it\n";
      return 2;
    }
    return runGradChecks(context);
  }

  if (wholeGraph)
    return runWholeGraph(context);

  int passed = 0, failed = 0;
  llvm::json::Array results;
  std::vector<AttentionCase> cases;
  if (inputPath.empty()) {
    cases = buildMatrix();
  } else {
    std::optional<std::vector<AttentionCase>> fromFile =
        casesFromFile(context, inputPath);
    if (!fromFile || fromFile->empty())
      return 2;
    cases = std::move(*fromFile);
  }
  for (const AttentionCase &c : cases) {
    std::string name = c.describe();
    if (!filter.empty() && name.find(filter) == std::string::npos)
      continue;
    CaseResult r = runOnHost(context, c, seed);
    bool ok = r.passed();
    (ok ? passed : failed)++;
    llvm::outs() << llvm::formatv("{0,-4} {1,-62} out {2:e2}  lse {3:e2}  "
                                  "(tol {4:e0}){5}\n",
                                  ok ? "PASS" : "FAIL", name, r.outError,
                                  r.lseError, r.tolerance,
                                  r.error.empty() ? "" : "  " + r.error);
    results.push_back(llvm::json::Object{{"case", name},
                                         {"rel_err", r.outError},
                                         {"rel_err_lse", r.lseError},
                                         {"tolerance", r.tolerance},
                                         {"pass", ok},
                                         {"error", r.error}});
  }
  if (!jsonPath.empty() &&
      !writeReport(jsonPath, "cpu-correctness", std::move(results)))
    return 2;
  llvm::outs() << "cpu-check: " << passed << " passed, " << failed
               << " failed\n";
  return failed == 0 && passed > 0 ? 0 : 1;
}
