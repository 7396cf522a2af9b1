//===- TileKernelBuilder.h - a tile program as each thread runs it -*- C++ -*-===//
//
// What every layout's GPU lowering shares. A layout distributes a tile of
// the block's rows, tensor<block_m x N>, over the threads: each thread holds
// some rows (its row slots) and, of each, some columns (runs of consecutive
// columns at a fixed stride), as one vector<slots x columns-per-slot>; a
// per-row state tensor<block_m> becomes a vector<slots> (the running
// softmax sum as the thread's share of its row, combined in the epilogue).
// Given that map, loads and stores of row tiles, masks, the softmax update,
// row scaling, the epilogue and constants are the same code for every
// layout (this file); the layout adds how its products run (emitDot), in a
// file of its own: FmaLayoutToGPU.cpp, MmaSyncLayoutToGPU.cpp,
// WgmmaLayoutToGPU.cpp. Tiles every thread reads
// (keys, values, depth entries) live in shared memory, brought in by the
// load's copy kind (TileCopy.h) between barriers.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATILETOGPU_TILEKERNELBUILDER_H
#define MODA_LIB_CONVERSION_MODATILETOGPU_TILEKERNELBUILDER_H

#include "moda/Dialect/ModaTile/Analysis/SharedTilePlan.h"

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"
#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"

namespace mlir::moda {

/// The columns of a tile row a thread holds: `runs` runs of `runLength`
/// consecutive columns, `runStride` apart, the first at `first`.
struct ColumnRuns {
  int64_t runLength = 0, runStride = 0, runs = 0;
  Value first;
  int64_t getNumColumns() const { return runLength * runs; }
  /// Column of the thread's j-th element, less `first`.
  int64_t getOffset(int64_t j) const {
    return (j / runLength) * runStride + j % runLength;
  }
};

/// Elements [offset, offset + size) of a 1-D `vector`, and `vector` with
/// them replaced by `slice`: shuffles, which every target lowers (strided
/// slices need patterns the NVVM lowering does not run).
Value buildSlice(OpBuilder &b, Location loc, Value vector, int64_t offset,
                 int64_t size);
Value buildWithSlice(OpBuilder &b, Location loc, Value vector, Value slice,
                     int64_t offset);

/// A tile in shared memory as the kernel sees it: its elements from `base`
/// on in `buffer` (whose first element is at byte `bufferAddress`, an i64
/// in the shared window), laid out as `encoding` says.
struct SharedTile {
  Value buffer, base, bufferAddress;
  const SharedTileEncoding *encoding = nullptr;
};

class TileKernelBuilder {
public:
  TileKernelBuilder(func::FuncOp program, gpu::GPUFuncOp kernel,
                    const SharedTilePlan &plan, int64_t numThreads);
  virtual ~TileKernelBuilder() = default;

  /// Emits the kernel's body. Fails, with a diagnostic, on IR outside what
  /// the layout can distribute.
  LogicalResult build();

protected:
  // The layout's distribution of the block's rows.
  /// Checks the block's shape and computes the thread's coordinates.
  virtual LogicalResult setUpThread() = 0;
  /// Row slots per thread.
  virtual int64_t getRowSlots() const = 0;
  /// The block row of the thread's slot `k`, and whether that slot holds
  /// one of the block's rows (an i1).
  virtual Value getSlotRow(int64_t k) = 0;
  virtual Value slotExists(int64_t k) = 0;
  /// The columns the thread holds of a row of `columns`; fails when the
  /// layout cannot split such rows.
  virtual FailureOr<ColumnRuns> getColumnRuns(Operation *op,
                                              int64_t columns) = 0;
  /// `v` (the thread's part of a row's max or sum) combined over the
  /// threads that share the row.
  virtual Value combineAcrossRow(Value v, bool isMax) = 0;
  /// Whether this thread writes a per-row value (one of those holding the
  /// row does).
  virtual Value writesRowValues() = 0;
  /// The block rows, first and last, of the threads that run a product
  /// together with this one (and so must all take a branch around one):
  /// those a moda_tile.if_seen tests to skip its step.
  virtual std::pair<Value, Value> getProductGroupRows() = 0;
  /// The product, the one op each layout runs its own way.
  virtual LogicalResult emitDot(tile::DotOp op) = 0;
  /// A wait for async products. A layout whose products are done when
  /// they return has nothing to wait for: the tiles pass through.
  virtual LogicalResult emitDotWait(tile::DotWaitOp op);
  /// Run by every thread once its writes to shared tiles are done and
  /// before the barrier that publishes them: products that read shared
  /// memory through another proxy order the writes here.
  virtual void orderSharedWritesBeforeProducts() {}

  // Shared by the layouts.
  Location loc() { return program.getLoc(); }
  Value index(int64_t v);
  Value f32(double v);
  Value splat(VectorType type, Value scalar);
  Value mapped(Value v) { return mapping.lookup(v); }
  /// Where `op`'s rows are, its operands as the kernel sees them.
  template <typename OpTy>
  tile::RowAddress rowAddressOf(OpTy op, int64_t rowLength) {
    return tile::RowAddress::of(op, rowLength,
                                [&](Value v) { return mapped(v); });
  }
  /// The thread's part of a block tile, as the vector it lives in.
  FailureOr<VectorType> getThreadType(Operation *op, RankedTensorType type);
  /// The thread's rows of a block tile one by one (vectors, or scalars for
  /// a per-row state), and back.
  SmallVector<Value> unpackRows(Value rows, RankedTensorType tileType);
  Value packRows(VectorType type, RankedTensorType tileType,
                 ArrayRef<Value> rows);
  /// Where the program's tile `tile` (a shared load's or a wait's result)
  /// lives.
  const SharedTile &getSharedTile(Value tile) const {
    return sharedTiles.find(tile)->second;
  }

  func::FuncOp program;
  gpu::GPUFuncOp kernel;
  const SharedTilePlan &plan;
  int64_t numThreads;
  /// Rows of the block (its query tile's), known once build() starts.
  int64_t blockM = 0;
  OpBuilder b;
  IRMapping mapping;
  Value threadId;

private:
  /// The plan's buffers as views of the block's dynamic shared memory.
  void emitSharedBuffers();
  LogicalResult emitBlock(Block &block);
  LogicalResult emit(Operation *op);
  LogicalResult emitRowLoad(tile::LoadOp op);
  /// lse or delta: one value per row slot (tensor<R>), or the values of the
  /// thread's columns (tensor<1xR>, a vector of its columns).
  LogicalResult emitRowValuesLoad(tile::LoadOp op);
  /// The thread's columns of the column statistics `tileType` (one row of
  /// values, tensor<1xN>) held in the shared `buffer` from element `base`
  /// on, read into the thread's registers.
  FailureOr<Value> readThreadColumns(Operation *op, RankedTensorType tileType,
                                     Value buffer, Value base);
  LogicalResult emitSharedLoad(tile::LoadOp op);
  LogicalResult emitAsyncLoad(tile::AsyncLoadOp op);
  LogicalResult emitWait(tile::WaitOp op);
  LogicalResult emitStore(tile::StoreOp op);
  LogicalResult emitMask(tile::MaskOp op);
  LogicalResult emitSoftmaxUpdate(tile::SoftmaxUpdateOp op);
  LogicalResult emitScaleRows(tile::ScaleRowsOp op);
  LogicalResult emitMergePartial(tile::MergePartialOp op);
  LogicalResult emitFinalize(tile::FinalizeOp op);
  LogicalResult emitSoftmaxProbs(tile::SoftmaxProbsOp op);
  LogicalResult emitSoftmaxGrad(tile::SoftmaxGradOp op);
  LogicalResult emitRowDot(tile::RowDotOp op);
  LogicalResult emitConvert(tile::ConvertOp op);
  /// The statistics (lse, delta) of each of the thread's rows, as values of
  /// the rows' vectors of `rowTypes`: splats of per-row values, or the
  /// thread's column values as they are.
  SmallVector<Value> broadcastStatistics(Value statistics,
                                         ArrayRef<Value> rows);
  /// The thread's columns of a row of `columns` from `first` on, as
  /// indices.
  FailureOr<Value> getThreadColumns(Operation *op, int64_t columns,
                                    Value first);
  LogicalResult emitConstant(arith::ConstantOp op);
  LogicalResult emitFor(scf::ForOp op);
  /// The step behind a branch that the thread's product group takes only
  /// when one of its rows sees one of the tile's columns.
  LogicalResult emitIfSeen(tile::IfSeenOp op);
  LogicalResult emitIf(scf::IfOp op);
  /// `source`'s ops emitted at the end of `into` (a region of an scf op
  /// this builder made), replacing the terminator `into` was built with.
  LogicalResult emitBlockInto(Block &source, Block *into);
  /// Whether the slot-`k` row `first + row(k)` is one to read or write.
  Value isRowInside(int64_t k, Value row, Value end);

  DenseMap<Value, SharedTile> sharedTiles;
  /// Per buffer of the plan: its view, and its first byte's address.
  SmallVector<Value> sharedBuffers, sharedAddresses;
  /// Whether every thread has passed a barrier since the last op that read
  /// shared tiles (so a copy may overwrite them without another).
  bool afterBarrier = false;
};

/// Emits into `kernel` (whose arguments are the program's and whose
/// dynamic shared memory holds `plan`'s buffers) what each of its
/// `numThreads` threads runs of `program`, whose products all have the fma
/// layout (FmaLayoutToGPU.cpp), the mma_sync layout (MmaSyncLayoutToGPU.cpp)
/// or the wgmma layout (WgmmaLayoutToGPU.cpp).
LogicalResult buildFmaLayoutKernel(func::FuncOp program,
                                   gpu::GPUFuncOp kernel,
                                   const SharedTilePlan &plan,
                                   int64_t numThreads);
LogicalResult buildMmaSyncLayoutKernel(func::FuncOp program,
                                       gpu::GPUFuncOp kernel,
                                       const SharedTilePlan &plan,
                                       int64_t numThreads);
LogicalResult buildWgmmaLayoutKernel(func::FuncOp program,
                                     gpu::GPUFuncOp kernel,
                                     const SharedTilePlan &plan,
                                     int64_t numThreads);

/// The m16k16 A operand (four 16-bit pairs, the mma.m16n8k16 layout, which
/// wgmma's register A shares warp by warp) at k-step `step` of an m-tile
/// whose two accumulator rows the thread holds as `top` and `bottom` (each
/// a vector of its columns in the m16n8 layout: pairs of every 8-column
/// tile); f32 rows are packed to `elementType`.
SmallVector<Value, 4> buildFragmentOperandA(OpBuilder &b, Location loc,
                                            Value top, Value bottom,
                                            int64_t step, Type elementType);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_TILEKERNELBUILDER_H
