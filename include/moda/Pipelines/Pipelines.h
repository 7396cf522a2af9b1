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
  Option<std::string> lowering{
      *this, "lowering",
      llvm::cl::desc("The compiler that builds each operator's kernels: "
                     "auto (moda-select-kernel-config's heuristics choose per "
                     "operator), kernel (the block builders of "
                     "convert-moda-to-gpu) or tile (the staged compiler: "
                     "convert-moda-to-tile and its stages, fma, mma_sync and "
                     "wgmma layouts)"),
      llvm::cl::init("auto")};
  Option<std::string> format{*this, "format",
                             llvm::cl::desc("gpu.binary format: isa (PTX), "
                                            "bin (cubin), fatbin"),
                             llvm::cl::init("isa")};
};

/// moda -> tiled gpu.func kernels -> NVVM -> gpu.binary (PTX through LLVM's
/// NVPTX backend). Host code keeps its launchers as gpu.launch_func. It is
/// the two halves below, one after the other.
void buildGPUBinaryPipeline(OpPassManager &pm,
                            const GPUBinaryPipelineOptions &options);

/// First half: exact simplifications (an empty depth part is dropped),
/// kernel configurations (each names its lowering; `options.lowering`
/// forces one), then moda -> gpu.func kernels: the staged compiler's stages
/// for the operators configured for it, then the block builders for the
/// others.
void buildGPUKernelPipeline(OpPassManager &pm,
                            const GPUBinaryPipelineOptions &options);

/// Second half: gpu.module kernels -> NVVM -> gpu.binary.
void buildKernelToBinaryPipeline(OpPassManager &pm,
                                 const GPUBinaryPipelineOptions &options);

/// moda -> the same tiled kernel for the host -> LLVM dialect, ready for
/// MLIR's ExecutionEngine (the CPU path). Every operator goes through the
/// block builders (moda-select-kernel-config{lowering=kernel}), whatever
/// lowering its configuration named: the configuration's tiles are kept.
void buildHostLLVMPipeline(OpPassManager &pm);

/// moda -> tile programs (convert-moda-to-tile) -> the host
/// (convert-moda-tile-to-host) -> LLVM dialect: the staged compiler's CPU
/// path. Every operator goes through the tile programs
/// (moda-select-kernel-config{lowering=tile}), as with buildHostLLVMPipeline.
void buildTileHostLLVMPipeline(OpPassManager &pm);

/// Registers `moda-to-gpu-binary`, `moda-to-host-llvm` and
/// `moda-tile-to-host-llvm`.
void registerModaPipelines();

} // namespace mlir::moda

#endif // MODA_PIPELINES_PIPELINES_H
