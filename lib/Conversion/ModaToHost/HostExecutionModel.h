//===- HostExecutionModel.h - one host thread as execution model -*- C++ -*-===//
//
// The host side of the execution models the SIMT kernels are written
// against: a block is one thread, its ids are arguments of the block
// function, its shared tiles stack buffers, barriers nothing. One
// implementation serves the forward's ExecutionModel and the backward's
// GradExecutionModel (one lane per key).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_CONVERSION_MODATOHOST_HOSTEXECUTIONMODEL_H
#define MODA_CONVERSION_MODATOHOST_HOSTEXECUTIONMODEL_H

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::moda {

/// One host thread running a block, implementing `Model` (ExecutionModel or
/// one derived from it).
template <typename Model> class HostBlockModel : public Model {
public:
  HostBlockModel(ValueRange blockIds, ValueRange tiles)
      : blockIds(blockIds), tiles(tiles.begin(), tiles.end()) {}

  int64_t getNumThreads() const override { return 1; }
  Value getBlockId(ImplicitLocOpBuilder &b, int dim) override {
    return blockIds[dim];
  }
  Value getThreadId(ImplicitLocOpBuilder &b) override {
    return arith::ConstantIndexOp::create(b, 0);
  }
  void emitBarrier(ImplicitLocOpBuilder &b) override {}
  Value getSharedTile(unsigned index) override { return tiles[index]; }

private:
  ValueRange blockIds;
  SmallVector<Value> tiles;
};

using HostExecutionModel = HostBlockModel<ExecutionModel>;

/// The backward's: one lane per key or depth entry.
class HostGradExecutionModel : public HostBlockModel<GradExecutionModel> {
public:
  using HostBlockModel::HostBlockModel;
  int64_t getLanes() const override { return 1; }
  Value sumOverLanes(ImplicitLocOpBuilder &b, Value value) override {
    return value;
  }
};

} // namespace mlir::moda

#endif // MODA_CONVERSION_MODATOHOST_HOSTEXECUTIONMODEL_H
