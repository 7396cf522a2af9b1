//===- Pipelines.cpp - moda's registered pass pipelines -------------------===//
//
// The pipelines are written in the textual pass-pipeline syntax so that what
// runs here is exactly what a user can paste into moda-opt.
//
//===----------------------------------------------------------------------===//

#include "moda/Pipelines/Pipelines.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::moda;

static void appendPipeline(OpPassManager &pm, StringRef pipeline) {
  std::string errors;
  llvm::raw_string_ostream errorStream(errors);
  if (failed(parsePassPipeline(pipeline, pm, errorStream)))
    llvm::report_fatal_error(llvm::Twine("moda: invalid built-in pipeline: ") +
                             errors);
}

/// The stages between a tile program and its target lowering, the same for
/// the GPU and the host: the CPU path checks the very program the GPU runs.
static constexpr StringLiteral kTileProgramStages =
    "moda-tile-assign-layouts,moda-tile-defer-value-products,"
    "moda-tile-pipeline,moda-tile-async-dots,";

void mlir::moda::buildGPUKernelPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  appendPipeline(pm, llvm::formatv("canonicalize,moda-buffer-depth-streams,"
                                   "moda-select-kernel-config{{target={0}},"
                                   "convert-moda-to-tile,{1}"
                                   "convert-moda-tile-to-gpu,canonicalize,cse",
                                   options.chip.getValue(), kTileProgramStages)
                         .str());
}

void mlir::moda::buildKernelToBinaryPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  appendPipeline(
      pm, llvm::formatv(
              "nvvm-attach-target{{chip={0} features={1} O={2}},"
              "gpu.module(convert-scf-to-cf,convert-nvgpu-to-nvvm,convert-gpu-to-nvvm,"
              "canonicalize,cse,reconcile-unrealized-casts),"
              "gpu-module-to-binary{{format={3} toolkit={4}}",
              options.chip.getValue(), options.features.getValue(),
              options.optLevel.getValue(), options.format.getValue(),
              options.cudaPath.getValue())
              .str());
}

void mlir::moda::buildGPUBinaryPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  buildGPUKernelPipeline(pm, options);
  buildKernelToBinaryPipeline(pm, options);
}

/// Host tensor code to the LLVM dialect: the tail both host pipelines
/// share. Bufferized (a loop over layers yields each layer's fresh output,
/// a tile program's softmax state is a fresh tensor each step), every
/// buffer freed by buffer deallocation (a graph's intermediates, the
/// backward's scratch; the clones it inserts for a loop's carried buffers
/// become copies), and a graph's own linalg ops (projections, norms) turned
/// into loops with the operators' code.
static constexpr StringLiteral kHostTensorsToLLVM =
    "canonicalize,cse,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "allow-return-allocs-from-loops},"
    "buffer-deallocation-pipeline,convert-bufferization-to-memref,"
    "convert-linalg-to-loops,convert-vector-to-scf,convert-scf-to-cf,"
    "expand-strided-metadata,lower-affine,"
    "convert-vector-to-llvm,finalize-memref-to-llvm,"
    "convert-math-to-llvm,convert-arith-to-llvm,"
    "convert-index-to-llvm,convert-func-to-llvm,"
    "convert-cf-to-llvm,reconcile-unrealized-casts";

void mlir::moda::buildHostLLVMPipeline(OpPassManager &pm) {
  appendPipeline(pm, (llvm::Twine("canonicalize,moda-buffer-depth-streams,"
                                  "moda-select-kernel-config,"
                                  "convert-moda-to-tile,") +
                      kTileProgramStages + "convert-moda-tile-to-host," +
                      kHostTensorsToLLVM)
                         .str());
}

void mlir::moda::registerModaPipelines() {
  PassPipelineRegistration<GPUBinaryPipelineOptions>(
      "moda-to-gpu-binary",
      "Lower moda to tiled GPU kernels in a gpu.binary (PTX for sm_90a)",
      buildGPUBinaryPipeline);
  PassPipelineRegistration<>(
      "moda-to-host-llvm",
      "Lower moda through its tile programs to the host, in the LLVM dialect "
      "(the CPU path: the GPU lowering's tile programs, run on the host)",
      buildHostLLVMPipeline);
}
