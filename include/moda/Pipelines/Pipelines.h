//===- Pipelines.h - moda's registered pass pipelines -----------*- C++ -*-===//

#ifndef MODA_PIPELINES_PIPELINES_H
#define MODA_PIPELINES_PIPELINES_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir::moda {

struct GPUBinaryPipelineOptions
    : public PassPipelineOptions<GPUBinaryPipelineOptions> {
  Option<std::string> chip{*this, "chip", llvm::cl::desc("GPU architecture"),
                           llvm::cl::init("sm_90a")};
  Option<std::string> features{*this, "features",
                               llvm::cl::desc("PTX features (ISA version)"),
                               llvm::cl::init("+ptx80")};
  Option<int> optLevel{*this, "opt-level",
                       llvm::cl::desc("LLVM optimization level"),
                       llvm::cl::init(3)};
  Option<std::string> cudaPath{
      *this, "cuda-path",
      llvm::cl::desc("CUDA toolkit whose libdevice is linked into kernels"),
      llvm::cl::init("/usr/local/cuda")};
  Option<std::string> format{*this, "format",
                             llvm::cl::desc("gpu.binary format: isa (PTX), "
                                            "bin (cubin), fatbin"),
                             llvm::cl::init("isa")};
};

/// moda operators with configurations -> tile programs -> their stages
/// (layouts, deferred value products, pipelining, asynchronous dots): what
/// the GPU and the host lowerings receive, so that the CPU path checks the
/// very program the GPU runs.
void buildTileProgramPipeline(OpPassManager &pm);

/// moda -> tiled gpu.func kernels -> NVVM -> gpu.binary (PTX through LLVM's
/// NVPTX backend). Host code keeps its launchers as gpu.launch_func. It is
/// the two halves below, one after the other.
void buildGPUBinaryPipeline(OpPassManager &pm,
                            const GPUBinaryPipelineOptions &options);

/// First half: exact simplifications (an empty depth part is dropped),
/// kernel configurations, then moda -> tile programs -> their stages
/// (layouts, deferred value products, pipelining, asynchronous dots) ->
/// gpu.func kernels.
void buildGPUKernelPipeline(OpPassManager &pm,
                            const GPUBinaryPipelineOptions &options);

/// Second half: gpu.module kernels -> NVVM -> gpu.binary.
void buildKernelToBinaryPipeline(OpPassManager &pm,
                                 const GPUBinaryPipelineOptions &options);

/// moda -> tile programs and the same stages as buildGPUKernelPipeline ->
/// the host (convert-moda-tile-to-host) -> LLVM dialect, ready for MLIR's
/// ExecutionEngine: the CPU path runs the very tile program the GPU
/// lowering receives.
void buildHostLLVMPipeline(OpPassManager &pm);

/// Registers `moda-to-gpu-binary`, `moda-to-host-llvm` and
/// `moda-to-tile-programs`.
void registerModaPipelines();

} // namespace mlir::moda

#endif // MODA_PIPELINES_PIPELINES_H
