//===- moda-compile.cpp - compile moda IR into kernel artifacts -----------===//
//
// moda-compile model.mlir -o out/ writes, for every moda.attention, the
// kernel's PTX (from moda-to-gpu-binary: NVVM through LLVM's NVPTX backend),
// its cubin when ptxas is found, and its JSON manifest (docs/artifacts.md).
//
//===----------------------------------------------------------------------===//

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Pipelines/ConfigSharedMemory.h"
#include "moda/InitModa.h"
#include "moda/Pipelines/Pipelines.h"
#include "moda/Support/InputNesting.h"
#include "moda/Target/KernelManifest.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/Regex.h"
#include "llvm/Support/SourceMgr.h"

#include <map>
#include <optional>
#include <string>
#include <vector>
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;
namespace json = llvm::json;

static cl::opt<std::string> inputPath(cl::Positional, cl::Required,
                                      cl::desc("<input .mlir>"));
static cl::opt<std::string> outputDir("o", cl::init(""),
                                      cl::desc("Directory for the artifacts"));
static cl::opt<bool> printConfigSpace(
    "print-config-space", cl::init(false),
    cl::desc("Instead of compiling, print (JSON) each moda.attention's "
             "problem, heuristic configuration and configuration space: what "
             "a tuner measures"));
static cl::opt<std::string> chip("chip", cl::init("sm_90a"),
                                 cl::desc("GPU architecture"));
static cl::opt<std::string> features("features", cl::init("+ptx80"),
                                     cl::desc("PTX features (ISA version)"));
static cl::opt<std::string>
    cudaPath("cuda-path", cl::init("/usr/local/cuda"),
             cl::desc("CUDA toolkit (libdevice is linked from it)"));
static cl::opt<std::string>
    ptxasPath("ptxas", cl::init(""),
              cl::desc("ptxas to assemble cubins with (default: PATH, then "
                       "/usr/local/cuda/bin); 'none' skips cubins"));
static cl::opt<bool> allowSpills(
    "allow-spills", cl::init(false),
    cl::desc("Accept kernels for which ptxas reports register spills (by "
             "default a spill is an error: a spilling configuration is slow)"));

namespace {

/// What ptxas said about one kernel: `ptxas -v`'s resource usage.
struct PtxasReport {
  int64_t registers = -1, spillStores = -1, spillLoads = -1, sharedBytes = -1;
};

std::optional<std::string> findPtxas() {
  if (ptxasPath == "none")
    return std::nullopt;
  if (!ptxasPath.empty())
    return ptxasPath.getValue();
  if (auto found = llvm::sys::findProgramByName("ptxas"))
    return *found;
  if (auto found = llvm::sys::findProgramByName("ptxas", {"/usr/local/cuda/bin"}))
    return *found;
  return std::nullopt;
}

/// The largest number `pattern`'s group matches in `text` (ptxas reports
/// each entry of a module: a backward's PTX holds several), or -1.
int64_t largestNumber(StringRef text, StringRef pattern) {
  llvm::Regex regex(pattern);
  int64_t best = -1;
  llvm::SmallVector<StringRef> groups;
  while (regex.match(text, &groups)) {
    int64_t value = -1;
    groups[1].getAsInteger(10, value);
    best = std::max(best, value);
    text = text.substr(groups[0].end() - text.begin());
  }
  return best;
}

/// Assembles `ptx` into `cubin` with `ptxas -v`; returns its report.
FailureOr<PtxasReport> assemble(StringRef ptxas, StringRef ptx,
                                StringRef cubin) {
  llvm::SmallString<128> log;
  llvm::sys::fs::createTemporaryFile("moda-ptxas", "log", log);
  std::string arch = "-arch=" + chip;
  StringRef args[] = {ptxas, arch, "-v", "-o", cubin, ptx};
  std::optional<StringRef> redirects[] = {std::nullopt, StringRef(log),
                                          StringRef(log)};
  std::string error;
  int status = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects,
                                         0, 0, &error);
  auto text = llvm::MemoryBuffer::getFile(log);
  llvm::sys::fs::remove(log);
  if (status != 0) {
    llvm::errs() << "moda-compile: ptxas failed on " << ptx << ": " << error
                 << "\n"
                 << (text ? (*text)->getBuffer() : "") << "\n";
    return failure();
  }
  PtxasReport report;
  if (text) {
    StringRef out = (*text)->getBuffer();
    report.registers = largestNumber(out, "Used ([0-9]+) registers");
    report.spillStores = largestNumber(out, "([0-9]+) bytes spill stores");
    report.spillLoads = largestNumber(out, "([0-9]+) bytes spill loads");
    report.sharedBytes = largestNumber(out, "([0-9]+) bytes smem");
  }
  return report;
}

LogicalResult writeFile(StringRef path, StringRef contents) {
  std::string error;
  auto file = openOutputFile(path, &error);
  if (!file) {
    llvm::errs() << "moda-compile: " << error << "\n";
    return failure();
  }
  file->os() << contents;
  file->keep();
  return success();
}

/// The first libdevice function (`__nv_...`) `ptx` declares as an extern:
/// one the link with libdevice should have resolved.
std::optional<std::string> findUnresolvedLibdeviceCall(StringRef ptx) {
  SmallVector<StringRef> lines;
  ptx.split(lines, '\n');
  for (StringRef line : lines) {
    if (!line.trim().starts_with(".extern .func"))
      continue;
    size_t at = line.find("__nv_");
    if (at == StringRef::npos)
      continue;
    StringRef name = line.drop_front(at);
    return name.take_while([](char c) { return llvm::isAlnum(c) || c == '_'; })
        .str();
  }
  return std::nullopt;
}

/// The configuration space of every attention in `module`, after the exact
/// simplifications the compile pipeline applies first.
LogicalResult printSpaces(ModuleOp module) {
  PassManager pm(module.getContext());
  if (failed(parsePassPipeline("canonicalize", pm)) || failed(pm.run(module)))
    return failure();
  json::Array ops;
  module.walk([&](moda::AttentionOp op) {
    moda::ForwardProblem problem = moda::ForwardProblem::of(op);
    auto fits = [&](moda::KernelConfigAttr config) {
      return moda::fitsSharedMemory(op, config);
    };
    json::Array space;
    for (moda::KernelConfigAttr config :
         moda::getForwardConfigSpace(op.getContext(), problem, chip, fits))
      space.push_back(moda::kernelConfigToJson(config));
    ops.push_back(json::Object{
        {"group_size", problem.groupSize},
        {"head_dim", problem.headDim},
        {"depth", ShapedType::isDynamic(problem.depth)
                      ? json::Value(nullptr)
                      : json::Value(problem.depth)},
        {"heuristic", moda::kernelConfigToJson(moda::getForwardHeuristicConfig(
                          op.getContext(), problem, chip, fits))},
        {"space", std::move(space)}});
  });
  llvm::outs() << llvm::formatv("{0:2}", json::Value(std::move(ops))) << "\n";
  return success();
}

/// The ABI of the operator one gpu.module compiles (every kernel of the
/// module carries it): one forward kernel, or the kernels of one backward in
/// launch order, sharing one PTX file and one manifest.
struct ModuleAbi {
  moda::KernelAbiAttr abi;
  /// The artifact's name: the forward kernel's, or the backward's op name
  /// (`moda_attention_grad_<n>`, its module's name without `_module`).
  std::string artifactName(StringRef moduleName) const {
    if (abi.getOp() == moda::AbiOperator::Attention)
      return abi.getLaunches().front().getKernel().str();
    return moduleName.drop_back(StringRef("_module").size()).str();
  }
};

} // namespace

/// Says which ops of the module moda-compile does not compile: it writes the
/// kernels of the MoDA operators, and a model graph's other ops (the depth
/// stream's, projections, norms) are left for the caller to run; saying so
/// keeps them from looking compiled.
static void noteOpsNotCompiled(ModuleOp module) {
  std::map<std::string, int> counts;
  module.walk([&](Operation *op) {
    if (isa<ModuleOp, func::FuncOp, func::ReturnOp, moda::AttentionOp,
            moda::AttentionGradOp>(op))
      return;
    ++counts[op->getName().getStringRef().str()];
  });
  if (counts.empty())
    return;
  llvm::errs() << "moda-compile: note: only the MoDA operators are compiled "
                  "to kernels; the module's other ops are not (";
  llvm::interleaveComma(counts, llvm::errs(), [](const auto &entry) {
    llvm::errs() << entry.first << " x" << entry.second;
  });
  llvm::errs() << ")\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  DialectRegistry registry;
  moda::registerAllModaDialects(registry);
  moda::registerAllModaPasses();
  cl::ParseCommandLineOptions(argc, argv,
                              "moda-compile: moda IR to kernel artifacts\n");
  MLIRContext context(registry);
  std::string openError;
  std::unique_ptr<llvm::MemoryBuffer> input =
      moda::openParsableInput(inputPath, openError);
  if (!input) {
    llvm::errs() << openError << "\n";
    return 1;
  }
  llvm::SourceMgr sourceMgr;
  sourceMgr.AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  SourceMgrDiagnosticHandler diagnostics(sourceMgr, &context);
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return 1;
  if (printConfigSpace)
    return failed(printSpaces(*module)) ? 1 : 0;
  if (outputDir.empty()) {
    llvm::errs() << "moda-compile: -o <directory> is required\n";
    return 1;
  }
  noteOpsNotCompiled(*module);
  moda::GPUBinaryPipelineOptions options;
  options.chip = chip;
  options.features = features;
  options.format = "isa";
  options.cudaPath = cudaPath;

  // First half: kernels, whose ABIs become the manifests.
  PassManager kernelPM(&context);
  moda::buildGPUKernelPipeline(kernelPM, options);
  if (failed(kernelPM.run(*module)))
    return 1;
  std::map<std::string, ModuleAbi> abiByModule;
  module->walk([&](gpu::GPUFuncOp kernel) {
    if (auto abi =
            kernel->getAttrOfType<moda::KernelAbiAttr>(moda::kKernelAbiAttrName))
      abiByModule[kernel->getParentOfType<gpu::GPUModuleOp>().getName().str()]
          .abi = abi;
  });

  // Second half: NVVM, PTX. The kernels call libdevice (__nv_logf, ...):
  // without it the PTX would carry unresolved externs.
  llvm::SmallString<256> libdevice(cudaPath);
  llvm::sys::path::append(libdevice, "nvvm", "libdevice", "libdevice.10.bc");
  if (!llvm::sys::fs::is_regular_file(libdevice)) {
    llvm::errs() << "moda-compile: libdevice not found at " << libdevice
                 << " (is --cuda-path=" << cudaPath
                 << " a CUDA toolkit?); nothing was written\n";
    return 1;
  }
  PassManager binaryPM(&context);
  moda::buildKernelToBinaryPipeline(binaryPM, options);
  if (failed(binaryPM.run(*module)))
    return 1;

  if (std::error_code ec = llvm::sys::fs::create_directories(outputDir)) {
    llvm::errs() << "moda-compile: cannot create " << outputDir << ": "
                 << ec.message() << "\n";
    return 1;
  }
  std::optional<std::string> ptxas = findPtxas();
  int written = 0;
  // A failed compile leaves no artifact behind: every file this run wrote
  // is removed before it exits with an error.
  std::vector<std::string> writtenFiles;
  auto failAndClean = [&]() {
    for (const std::string &path : writtenFiles)
      llvm::sys::fs::remove(path);
    return 1;
  };
  for (gpu::BinaryOp binary : module->getOps<gpu::BinaryOp>()) {
    auto it = abiByModule.find(binary.getName().str());
    if (it == abiByModule.end())
      continue;
    const ModuleAbi &moduleAbi = it->second;
    std::string artifact = moduleAbi.artifactName(binary.getName());
    auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
    moda::KernelFiles files{artifact + ".ptx", std::nullopt, chip};
    llvm::SmallString<256> ptxPath(outputDir);
    llvm::sys::path::append(ptxPath, files.ptx);
    StringRef ptx = object.getObject().getValue();
    if (std::optional<std::string> symbol = findUnresolvedLibdeviceCall(ptx)) {
      llvm::errs() << "moda-compile: kernel " << artifact << " calls "
                   << *symbol << ", which libdevice did not resolve\n";
      return failAndClean();
    }
    if (failed(writeFile(ptxPath, ptx)))
      return failAndClean();
    writtenFiles.push_back(ptxPath.str().str());

    std::optional<PtxasReport> report;
    if (ptxas) {
      std::string cubinName = artifact + ".cubin";
      llvm::SmallString<256> cubinPath(outputDir);
      llvm::sys::path::append(cubinPath, cubinName);
      writtenFiles.push_back(cubinPath.str().str());
      FailureOr<PtxasReport> assembled = assemble(*ptxas, ptxPath, cubinPath);
      if (failed(assembled))
        return failAndClean();
      files.cubin = cubinName;
      report = *assembled;
      // Spills are an error unless asked for: the configuration is too large
      // for the register file, and the kernel would run from local memory.
      if (!allowSpills && (report->spillStores > 0 || report->spillLoads > 0)) {
        llvm::errs() << "moda-compile: kernel " << artifact
                     << " spills registers (ptxas -v: "
                     << report->spillStores << " bytes spill stores, "
                     << report->spillLoads
                     << " bytes spill loads); choose a configuration with "
                        "smaller tiles, or pass --allow-spills to accept "
                        "it; nothing was written\n";
        return failAndClean();
      }
    }
    json::Object manifest =
        moda::buildKernelManifest(artifact, moduleAbi.abi, files);
    if (report)
      manifest["ptxas"] = json::Object{
          {"registers", report->registers},
          {"spill_stores", report->spillStores},
          {"spill_loads", report->spillLoads},
          {"shared_bytes", report->sharedBytes}};
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::formatv("{0:2}", json::Value(std::move(manifest))) << "\n";
    llvm::SmallString<256> manifestPath(outputDir);
    llvm::sys::path::append(manifestPath, artifact + ".json");
    if (failed(writeFile(manifestPath, text)))
      return failAndClean();
    writtenFiles.push_back(manifestPath.str().str());
    llvm::outs() << "moda-compile: " << artifact << " -> " << ptxPath
                 << (files.cubin ? " (+cubin)" : "") << "\n";
    ++written;
  }
  if (written == 0) {
    llvm::errs() << "moda-compile: " << inputPath
                 << " has no moda.attention to compile\n";
    return 1;
  }
  return 0;
}
