//===- GPUExecutionModel.h - a CUDA thread block as execution model -*- C++ -*-===//
//
// The GPU side of the execution models the SIMT kernels are written against
// (AttentionKernel.h, AttentionGradKernel.h): hardware ids, gpu.barrier,
// workgroup memory. One implementation serves the forward's ExecutionModel
// and the backward's GradExecutionModel (which adds lanes).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_CONVERSION_MODATOGPU_GPUEXECUTIONMODEL_H
#define MODA_CONVERSION_MODATOGPU_GPUEXECUTIONMODEL_H

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

namespace mlir::moda {

/// A CUDA thread block of `kernel`, implementing `Model` (ExecutionModel or
/// one derived from it).
template <typename Model> class GPUBlockModel : public Model {
public:
  GPUBlockModel(gpu::GPUFuncOp kernel, int64_t numThreads)
      : kernel(kernel), numThreads(numThreads) {}

  int64_t getNumThreads() const override { return numThreads; }
  Value getBlockId(ImplicitLocOpBuilder &b, int dim) override {
    gpu::Dimension dimension = dim == 0   ? gpu::Dimension::x
                               : dim == 1 ? gpu::Dimension::y
                                          : gpu::Dimension::z;
    return gpu::BlockIdOp::create(b, dimension);
  }
  Value getThreadId(ImplicitLocOpBuilder &b) override {
    return gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  }
  void emitBarrier(ImplicitLocOpBuilder &b) override {
    gpu::BarrierOp::create(b);
  }
  Value getSharedTile(unsigned index) override {
    return kernel.getWorkgroupAttributions()[index];
  }

private:
  gpu::GPUFuncOp kernel;
  int64_t numThreads;
};

using GPUExecutionModel = GPUBlockModel<ExecutionModel>;

/// The backward's: a key or depth entry split over `lanes` consecutive
/// threads of one warp.
class GPUGradExecutionModel : public GPUBlockModel<GradExecutionModel> {
public:
  GPUGradExecutionModel(gpu::GPUFuncOp kernel, int64_t numThreads,
                        int64_t lanes)
      : GPUBlockModel(kernel, numThreads), lanes(lanes) {}

  int64_t getLanes() const override { return lanes; }
  /// A butterfly over the lanes with shfl.sync.bfly; every thread of the
  /// warp runs it.
  Value sumOverLanes(ImplicitLocOpBuilder &b, Value value) override {
    for (int64_t offset = 1; offset < lanes; offset *= 2) {
      auto shuffle = gpu::ShuffleOp::create(b, value, offset, /*width=*/32,
                                            gpu::ShuffleMode::XOR);
      value = arith::AddFOp::create(b, value, shuffle.getShuffleResult());
    }
    return value;
  }

private:
  int64_t lanes;
};

} // namespace mlir::moda

#endif // MODA_CONVERSION_MODATOGPU_GPUEXECUTIONMODEL_H
