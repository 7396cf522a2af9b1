//===- FragmentLayout.h - the m16n8 accumulator layout of tensor cores -*- C++ -*-===//
//
// What the two tensor-core layouts share: the block's rows are distributed
// as the m16n8 accumulator fragments of the products (WarpMma.h), which
// mma.sync and wgmma (warp by warp) both write. Of each 16-row m-tile a
// warp owns, a lane holds rows lane / 4 and lane / 4 + 8 (its row slots 2m
// and 2m + 1) and, of every 8-column tile of a row, columns
// 2 * (lane % 4) + {0, 1}. So a product's accumulator is already in place,
// the query rows and the probabilities are already the A operand of the
// next product (two 8-column tiles are one k16 step), and a row's max and
// sum combine over the four lanes of the row. The layouts differ in which
// m-tiles a warp owns (setUpThread) and in how their products run
// (emitDot): MmaSyncLayoutToGPU.cpp, WgmmaLayoutToGPU.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATILETOGPU_FRAGMENTLAYOUT_H
#define MODA_LIB_CONVERSION_MODATILETOGPU_FRAGMENTLAYOUT_H

#include "TileKernelBuilder.h"

namespace mlir::moda {

class FragmentLayoutKernelBuilder : public TileKernelBuilder {
public:
  using TileKernelBuilder::TileKernelBuilder;

protected:
  int64_t getRowSlots() const override { return 2 * mTiles; }
  Value getSlotRow(int64_t k) override;
  Value slotExists(int64_t) override;
  FailureOr<ColumnRuns> getColumnRuns(Operation *op, int64_t columns) override;
  Value combineAcrossRow(Value v, bool isMax) override;
  Value writesRowValues() override;
  /// A warp runs a product: the rows of its m-tiles (a layout whose
  /// products take more warps says so).
  std::pair<Value, Value> getProductGroupRows() override;

  /// Sets the lane's coordinates for a warp whose first row in the block
  /// is `warpFirstRow` and whose m-tiles lie `mTileStride` rows apart.
  void setLaneRows(Value warpFirstRow, int64_t mTiles, int64_t mTileStride);

  /// A product's accumulator as scalars: [slot][element], element 2n + c
  /// being column c of the lane's pair in 8-column tile n; and back.
  SmallVector<SmallVector<Value>> unpackFragments(Value tile,
                                                  RankedTensorType type);
  Value packFragments(VectorType threadType, RankedTensorType type,
                      ArrayRef<SmallVector<Value>> fragments);

  /// Checks that `op` multiplies bf16 or f16 tiles whose reduction and
  /// result columns are multiples of 16, as the `layout` products take them.
  LogicalResult checkProductShape(tile::DotOp op, StringRef layout);

  int64_t mTiles = 0;
  Value lane, laneInGroup;

private:
  int64_t mTileStride = 0;
  Value warpFirstRow, laneFirstRow;
};

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_FRAGMENTLAYOUT_H
