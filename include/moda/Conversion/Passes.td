//===- Passes.td - moda conversion passes ------------------*- tablegen -*-===//

#ifndef MODA_CONVERSION_PASSES_TD
#define MODA_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertModaToGPU : Pass<"convert-moda-to-gpu", "::mlir::ModuleOp"> {
  let summary = "lower moda.attention to tiled GPU kernels and host launchers";
  let description = [{
    For every `moda.attention` (which must carry a `#moda.config`), adds to
    the `gpu.module @moda_kernels` a `gpu.func` kernel `@moda_attention_<n>`
    running the tiled forward algorithm on a grid of
    `(ceil(T * G / block_m), Hk, B)` blocks of `num_warps * 32` threads, and
    a host function `@moda_attention_<n>_launch` that computes that grid
    from the runtime sizes and launches the kernel. The operator itself is
    replaced by a call of the launcher on flat buffers.

    Each block stages sequence and depth tiles in shared memory with 16-byte
    coalesced loads, updates one online-softmax state per query row with the
    fully visible sequence tiles (no mask), the diagonal tiles and the
    block's contiguous depth span, and writes `out` and `lse` once. The
    kernel carries a `moda.kernel` dictionary describing it, from which the
    artifact manifest is written.

    The configuration's `mma` picks the block's formulation: `fma` runs one
    query row per thread on CUDA cores; `mma_sync` runs 16 or 32 rows per warp on
    tensor cores (`nvgpu.ldmatrix` from row-swizzled shared tiles,
    `nvvm.mma.sync` m16n8k16 with f32 accumulation, the softmax on the
    accumulator registers) and streams key/value tiles through `num_stages`
    shared buffers with `nvgpu.device_async_copy` (cp.async), masking only
    the diagonal sequence tiles and the depth tiles, and skipping per warp
    the tiles none of its rows sees.

    Every `moda.attention_grad` becomes a `gpu.module
    @moda_attention_grad_<n>_module` holding its SIMT backward kernels
    (`_dq`, then `_dkv` with sequence keys, then `_d_depth` with depth) and a
    launcher `@moda_attention_grad_<n>_launch` that allocates the f32
    scratch `delta` (`gpu.alloc`), launches the kernels in that order and
    frees it.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

def ConvertModaToHost : Pass<"convert-moda-to-host", "::mlir::ModuleOp"> {
  let summary = "lower moda.attention to the same tiled kernel, run on the host";
  let description = [{
    The CPU path: the same tiled forward algorithm as `convert-moda-to-gpu`,
    built for an execution model of one thread per block. For every
    `moda.attention` it adds `@moda_attention_<n>_block` (one thread block,
    its block ids as arguments, its shared tiles on the stack) and
    `@moda_attention_<n>_launch`, which loops over the grid and calls the
    block function; the operator is replaced by a call of the launcher.
    Every `moda.attention_grad` gets the backward's kernels the same way
    (`@moda_attention_grad_<n>_<kernel>_block`) and a launcher that
    allocates `delta` and runs the kernels' grids in order.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

#endif // MODA_CONVERSION_PASSES_TD
