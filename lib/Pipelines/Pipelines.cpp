//===- Pipelines.cpp - moda's registered pass pipelines -------------------===//
//
// The pipelines are written in the textual pass-pipeline syntax so that what
// runs here is exactly what a user can paste into moda-opt; the tile
// program's stages are one C++ list (buildTileProgramPipeline), which the
// configuration pass also runs to measure a configuration's shared memory,
// and which moda-opt runs as `moda-to-tile-programs`.
//
//===----------------------------------------------------------------------===//

#include "moda/Pipelines/Pipelines.h"

#include "moda/Conversion/Passes.h"
#include "moda/Dialect/ModaTile/Transforms/Passes.h"

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

void mlir::moda::buildTileProgramPipeline(OpPassManager &pm) {
  pm.addPass(createConvertModaToTile());
  pm.addPass(tile::createModaTileAssignLayouts());
  pm.addPass(tile::createModaTileDeferValueProducts());
  pm.addPass(tile::createModaTilePipeline());
  pm.addPass(tile::createModaTileAsyncDots());
}

void mlir::moda::buildGPUKernelPipeline(
    OpPassManager &pm, const GPUBinaryPipelineOptions &options) {
  appendPipeline(pm, llvm::formatv("canonicalize,moda-buffer-depth-streams,"
                                   "moda-select-kernel-config{{target={0}}",
                                   options.chip.getValue())
                         .str());
  buildTileProgramPipeline(pm);
  appendPipeline(pm, "convert-moda-tile-to-gpu,canonicalize,cse");
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
  appendPipeline(pm, "canonicalize,moda-buffer-depth-streams,"
                     "moda-select-kernel-config");
  buildTileProgramPipeline(pm);
  appendPipeline(pm, (llvm::Twine("convert-moda-tile-to-host,") +
                      kHostTensorsToLLVM)
                         .str());
}

void mlir::moda::registerModaPipelines() {
  PassPipelineRegistration<GPUBinaryPipelineOptions>(
      "moda-to-gpu-binary",
      "Lower moda to tiled GPU kernels in a gpu.binary (PTX for sm_90a)",
      buildGPUBinaryPipeline);
  PassPipelineRegistration<>(
      "moda-to-tile-programs",
      "Lower moda operators (with configurations) to tile programs and run "
      "their stages: what the GPU and the host lowerings receive",
      buildTileProgramPipeline);
  PassPipelineRegistration<>(
      "moda-to-host-llvm",
      "Lower moda through its tile programs to the host, in the LLVM dialect "
      "(the CPU path: the GPU lowering's tile programs, run on the host)",
      buildHostLLVMPipeline);
}
