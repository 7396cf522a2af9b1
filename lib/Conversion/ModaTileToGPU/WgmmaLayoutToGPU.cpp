//===- WgmmaLayoutToGPU.cpp - tile programs on warpgroup tensor cores -----===//
//
// The wgmma layout (sm_90a): warpgroup g (four warps) owns block rows
// [g * block_m / groups, (g + 1) * block_m / groups), in m-tiles of 64
// rows; warp w of the warpgroup holds rows 16 (w mod 4) .. + 15 of each,
// as the m16n8 accumulator fragment (FragmentLayout.h), which is what a
// wgmma m64nNk16 leaves in the warpgroup's registers.
//
// A product is one wgmma per m-tile and k16 step: the left operand (query
// rows, probabilities) from the warps' registers, or, with lhs_from_shared,
// read by the instruction from its shared tile (K-major: the warpgroup's
// 64-row slice of it); the right operand read from the shared tile through
// a matrix descriptor; keys K-major for Q K^T, values N-major (transposed
// by the instruction) for P V. Descriptors address the plan's swizzled
// panels (128-byte rows, 16-byte chunks XORed with the row's low three
// bits, 1024-byte aligned buffers): the hardware's 128-byte swizzle. wgmma reads shared memory
// through the async proxy, so every thread fences its shared writes to it
// before the barrier that publishes them. A product is waited for before
// its accumulators are read: at once, or, when moda-tile-async-dots made
// it async, at the moda_tile.dot_wait that returns its result (a
// wgmma.wait_group the registers pass through).
//
//===----------------------------------------------------------------------===//

#include "FragmentLayout.h"

#include "../NVVMPrimitives/WarpMma.h"
#include "../NVVMPrimitives/WarpgroupMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// Warps and rows of a warpgroup; the widest wgmma (N).
constexpr int64_t kWarpgroupWarps = 4, kWarpgroupRows = 64,
                  kMaxWgmmaColumns = 256;

class WgmmaKernelBuilder : public FragmentLayoutKernelBuilder {
public:
  using FragmentLayoutKernelBuilder::FragmentLayoutKernelBuilder;

private:
  LogicalResult setUpThread() override;
  /// A warpgroup runs a product: the rows of its m-tiles.
  std::pair<Value, Value> getProductGroupRows() override {
    return {warpgroupFirstRow,
            arith::AddIOp::create(b, loc(), warpgroupFirstRow,
                                  index(mTiles * kWarpgroupRows - 1))};
  }
  LogicalResult emitDot(DotOp op) override;
  LogicalResult emitDotWait(DotWaitOp op) override;
  void orderSharedWritesBeforeProducts() override {
    NVVM::FenceProxyOp::create(
        b, loc(),
        NVVM::ProxyKindAttr::get(b.getContext(),
                                 NVVM::ProxyKind::async_shared),
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
  }

  /// The descriptor of operand tile `shared` at k-step `step`: K-major
  /// (rows are the product's M or N, the contraction runs along them) from
  /// row `firstRow` on, or N-major (rows are the contraction).
  Value getOperandDescriptor(ImplicitLocOpBuilder &ib,
                             const SharedTile &shared, bool kMajor,
                             int64_t step, Value firstRow = {});

  /// The first row of the thread's warpgroup, in the block's rows.
  Value warpgroupFirstRow;
  /// Per async product with its left operand in registers, those registers
  /// (b32 words), held until the product's moda_tile.dot_wait.
  DenseMap<Value, SmallVector<Value>> heldOperandsOf;
};

LogicalResult WgmmaKernelBuilder::setUpThread() {
  int64_t warpgroups = numThreads / (32 * kWarpgroupWarps);
  if (blockM % (kWarpgroupRows * warpgroups) != 0)
    return program.emitOpError()
           << "has blocks of " << blockM << " rows: the wgmma layout gives "
           << "each of its " << warpgroups << " warpgroups whole 64-row tiles";
  int64_t tiles = blockM / (kWarpgroupRows * warpgroups);
  Value warp = arith::DivUIOp::create(b, loc(), threadId, index(32));
  Value warpgroup =
      arith::DivUIOp::create(b, loc(), warp, index(kWarpgroupWarps));
  Value warpInGroup =
      arith::RemUIOp::create(b, loc(), warp, index(kWarpgroupWarps));
  warpgroupFirstRow = arith::MulIOp::create(b, loc(), warpgroup,
                                            index(tiles * kWarpgroupRows));
  Value warpFirstRow = arith::AddIOp::create(
      b, loc(), warpgroupFirstRow,
      arith::MulIOp::create(b, loc(), warpInGroup, index(kMmaM)));
  setLaneRows(warpFirstRow, tiles, kWarpgroupRows);
  return success();
}

Value WgmmaKernelBuilder::getOperandDescriptor(ImplicitLocOpBuilder &ib,
                                               const SharedTile &shared,
                                               bool kMajor, int64_t step,
                                               Value firstRow) {
  const SharedTileEncoding &encoding = *shared.encoding;
  int64_t panelColumns = kSwizzleRowBytes / encoding.elementBytes;
  int64_t panelBytes = encoding.rows * kSwizzleRowBytes;
  // K-major (Q K^T's B = K, a left operand): k-step s reads columns 16s..
  // of panel 16s / 64, 32 bytes per step into each row.
  // N-major (P V's B = V, rows are the reduction): k-step s starts 16 rows
  // into the tile and 64-column panels of the result lie a panel apart.
  int64_t column = kMmaK * step;
  int64_t stepBytes =
      kMajor ? (column / panelColumns) * panelBytes +
                   (column % panelColumns) * encoding.elementBytes
             : column * kSwizzleRowBytes;
  Value tileStart = arith::AddIOp::create(
      ib, shared.bufferAddress,
      arith::IndexCastOp::create(
          ib, ib.getI64Type(),
          arith::MulIOp::create(ib, shared.base,
                                index(encoding.elementBytes))));
  // Rows lie 128 bytes apart within a panel; a multiple of 8 rows keeps the
  // swizzle's 1024-byte atoms whole.
  if (firstRow)
    tileStart = arith::AddIOp::create(
        ib, tileStart,
        arith::IndexCastOp::create(
            ib, ib.getI64Type(),
            arith::MulIOp::create(ib, firstRow, index(kSwizzleRowBytes))));
  Value start = arith::AddIOp::create(
      ib, tileStart,
      arith::ConstantIntOp::create(ib, ib.getI64Type(), stepBytes));
  return buildSwizzledMatrixDescriptor(
      ib, start, /*leadingByteOffset=*/kMajor ? 16 : panelBytes,
      /*strideByteOffset=*/kSwizzleAtomBytes);
}

/// Whether `acc` is a tile of zeros (the product then overwrites it).
static bool isZeroTile(Value acc) {
  DenseElementsAttr value;
  return matchPattern(acc, m_Constant(&value)) && value.isSplat() &&
         value.getSplatValue<APFloat>().isZero();
}

LogicalResult WgmmaKernelBuilder::emitDot(DotOp op) {
  RankedTensorType lhsType = op.getLhs().getType();
  RankedTensorType accType = op.getAcc().getType();
  Type elementType = op.getRhs().getType().getElementType();
  FailureOr<VectorType> accThreadType = getThreadType(op, accType);
  if (failed(accThreadType) || failed(getThreadType(op, lhsType)) ||
      failed(checkProductShape(op, "wgmma")))
    return failure();
  int64_t depth = lhsType.getDimSize(1), columns = accType.getDimSize(1);
  if (columns > kMaxWgmmaColumns)
    return op.emitOpError() << "has " << columns
                            << " result columns: a wgmma writes at most "
                            << kMaxWgmmaColumns;
  auto checkSwizzled = [&](const SharedTile &shared) -> LogicalResult {
    if (shared.encoding->swizzled)
      return success();
    return op.emitOpError()
           << "reads a shared tile with rows of "
           << shared.encoding->rowLength * shared.encoding->elementBytes
           << " bytes: wgmma's descriptors address whole 128-byte swizzled "
              "rows";
  };
  const SharedTile &shared = getSharedTile(op.getRhs());
  const SharedTile *sharedLhs =
      op.getLhsFromShared() ? &getSharedTile(op.getLhs()) : nullptr;
  if (failed(checkSwizzled(shared)) ||
      (sharedLhs && failed(checkSwizzled(*sharedLhs))))
    return failure();
  bool transposed = op.getTransposeRhs();

  SmallVector<Value> lhs;
  if (!sharedLhs)
    lhs = unpackRows(mapped(op.getLhs()), lhsType);
  SmallVector<SmallVector<Value>> acc =
      unpackFragments(mapped(op.getAcc()), accType);
  // A zero accumulator is not read (scale-d = 0 on the first step): moving
  // zeros into the registers would only add work.
  bool overwrite = isZeroTile(op.getAcc());
  ImplicitLocOpBuilder ib(loc(), b);
  Value undefined =
      overwrite ? LLVM::UndefOp::create(ib, ib.getF32Type()) : Value();

  // Every operand register and descriptor is made before the fence: a
  // register written between the fence and the wgmma that reads it makes
  // ptxas insert another fence there (warning C7519), stalling the
  // warpgroup until the products in flight are done.
  int64_t steps = depth / kMmaK;
  SmallVector<SmallVector<Value>> operandsA;
  SmallVector<Value> descriptorsB;
  for (int64_t s = 0; s < steps; ++s)
    descriptorsB.push_back(getOperandDescriptor(ib, shared, transposed, s));
  for (int64_t m = 0; m < mTiles; ++m) {
    // The warpgroup's m-tile m of a left operand in shared memory.
    Value lhsFirstRow;
    if (sharedLhs)
      lhsFirstRow = arith::AddIOp::create(ib, warpgroupFirstRow,
                                          index(m * kWarpgroupRows));
    for (int64_t s = 0; s < steps; ++s) {
      if (sharedLhs)
        operandsA.push_back({getOperandDescriptor(
            ib, *sharedLhs, /*kMajor=*/true, s, lhsFirstRow)});
      else
        operandsA.push_back(buildOperandWords(
            ib, buildFragmentOperandA(b, loc(), lhs[2 * m], lhs[2 * m + 1],
                                      s, elementType)));
    }
  }

  NVVM::WgmmaFenceAlignedOp::create(ib);
  for (int64_t m = 0; m < mTiles; ++m) {
    // wgmma's accumulator registers of 8-column tile n: (top row, pair),
    // (bottom row, pair).
    SmallVector<Value> d;
    for (int64_t n = 0; n < columns / kMmaN; ++n)
      for (int64_t row : {2 * m, 2 * m + 1})
        for (int64_t c = 0; c < 2; ++c)
          d.push_back(overwrite ? undefined : acc[row][2 * n + c]);
    for (int64_t s = 0; s < steps; ++s)
      d = buildWarpgroupMma(ib, elementType, operandsA[m * steps + s],
                            descriptorsB[s], d,
                            /*transposeB=*/!transposed,
                            /*accumulate=*/!(overwrite && s == 0));
    for (int64_t n = 0; n < columns / kMmaN; ++n)
      for (int64_t half = 0; half < 2; ++half)
        for (int64_t c = 0; c < 2; ++c)
          acc[2 * m + half][2 * n + c] = d[4 * n + 2 * half + c];
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(ib);
  // An async product's registers are read after a moda_tile.dot_wait; any
  // other's once its group is done.
  if (!op.getAsync()) {
    SmallVector<Value> registers;
    for (const SmallVector<Value> &fragment : acc)
      llvm::append_range(registers, fragment);
    SmallVector<Value> ready = buildWarpgroupWait(ib, 0, registers);
    size_t next = 0;
    for (SmallVector<Value> &fragment : acc)
      for (Value &r : fragment)
        r = ready[next++];
  }
  if (op.getAsync()) {
    // A product chained onto an async accumulator is waited for with it:
    // the earlier product's registers are held to that wait too.
    SmallVector<Value> held = heldOperandsOf.lookup(op.getAcc());
    if (!sharedLhs)
      for (const SmallVector<Value> &words : operandsA)
        llvm::append_range(held, words);
    if (!held.empty())
      heldOperandsOf[op.getResult()] = std::move(held);
  }
  mapping.map(op.getResult(), packFragments(*accThreadType, accType, acc));
  return success();
}

LogicalResult WgmmaKernelBuilder::emitDotWait(DotWaitOp op) {
  ImplicitLocOpBuilder ib(loc(), b);
  // The tiles' registers, one after the other, through one wait.
  SmallVector<Value> registers;
  for (Value tile : op.getTiles()) {
    Value vector = mapped(tile);
    int64_t size = cast<VectorType>(vector.getType()).getNumElements();
    for (int64_t i = 0; i < size; ++i)
      registers.push_back(vector::ExtractOp::create(ib, vector, i));
  }
  // The products' A registers are held to here: the wgmmas read them.
  SmallVector<Value> held;
  for (Value tile : op.getTiles())
    llvm::append_range(held, heldOperandsOf.lookup(tile));
  SmallVector<Value> ready =
      buildWarpgroupWait(ib, op.getPending(), registers, held);
  ArrayRef<Value> rest = ready;
  for (auto [tile, result] : llvm::zip(op.getTiles(), op.getResults())) {
    auto type = cast<VectorType>(mapped(tile).getType());
    int64_t size = type.getNumElements();
    mapping.map(result, vector::FromElementsOp::create(ib, type,
                                                       rest.take_front(size)));
    rest = rest.drop_front(size);
  }
  return success();
}

} // namespace

LogicalResult mlir::moda::buildWgmmaLayoutKernel(func::FuncOp program,
                                                 gpu::GPUFuncOp kernel,
                                                 const SharedTilePlan &plan,
                                                 int64_t numThreads) {
  return WgmmaKernelBuilder(program, kernel, plan, numThreads).build();
}
