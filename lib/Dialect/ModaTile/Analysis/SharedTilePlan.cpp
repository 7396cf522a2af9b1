//===- SharedTilePlan.cpp - the shared memory of a tile program -----------===//

#include "moda/Dialect/ModaTile/Analysis/SharedTilePlan.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/Support/CheckedArithmetic.h"
#include "llvm/Support/MathExtras.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

/// Bytes of a swizzled panel row and of the chunk the swizzle permutes.
static constexpr int64_t kPanelBytes = 128, kChunkBytes = 16;
/// Past this many bytes a plan is refused: far more than any target's
/// shared memory, and far from int64_t's overflow.
static constexpr int64_t kMostPlanBytes = int64_t(1) << 40;
/// The alignment of the dynamic shared memory a launch gets.
static constexpr int64_t kLaunchAlignment = 16;

Value SharedTileEncoding::buildOffset(OpBuilder &b, Location loc, Value row,
                                      Value column) const {
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  if (!swizzled)
    return arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, row, index(rowLength)), column);
  int64_t panelColumns = kPanelBytes / elementBytes;
  int64_t chunkColumns = kChunkBytes / elementBytes;
  Value panel = arith::DivUIOp::create(b, loc, column, index(panelColumns));
  Value inPanel = arith::RemUIOp::create(b, loc, column, index(panelColumns));
  Value chunk = arith::DivUIOp::create(b, loc, inPanel, index(chunkColumns));
  Value inChunk = arith::RemUIOp::create(b, loc, inPanel, index(chunkColumns));
  Value swizzledChunk = arith::XOrIOp::create(
      b, loc, chunk, arith::RemUIOp::create(b, loc, row, index(8)));
  Value panelStart =
      arith::MulIOp::create(b, loc, panel, index(rows * panelColumns));
  Value rowStart = arith::MulIOp::create(b, loc, row, index(panelColumns));
  Value chunkStart =
      arith::MulIOp::create(b, loc, swizzledChunk, index(chunkColumns));
  return arith::AddIOp::create(
      b, loc,
      arith::AddIOp::create(b, loc, panelStart,
                            arith::AddIOp::create(b, loc, rowStart,
                                                  chunkStart)),
      inChunk);
}

bool SharedTilePlan::readsFromShared(OpOperand &use) {
  auto dot = dyn_cast<DotOp>(use.getOwner());
  return dot && (&use == &dot.getRhsMutable() ||
                 (&use == &dot.getLhsMutable() && dot.getLhsFromShared()));
}

bool SharedTilePlan::isShared(LoadOp load) {
  return llvm::any_of(load->getUses(), readsFromShared);
}

/// Whether `op`, nested in `block`, is inside a loop nested in `block`.
static bool isInNestedLoop(Operation *op, Block *block) {
  for (; op->getBlock() != block; op = op->getParentOp())
    if (isa<scf::ForOp>(op->getParentOp()))
      return true;
  return false;
}

FailureOr<SharedTilePlan> SharedTilePlan::plan(func::FuncOp program,
                                               Attribute memorySpace,
                                               bool swizzle,
                                               int64_t alignment) {
  SharedTilePlan result;
  result.alignment = alignment;
  // Shared loads whose tile lives on into nested loops: such a buffer is
  // the load's alone (a loop's loads share theirs by position).
  DenseSet<Operation *> heldAcrossLoops;
  WalkResult misused = program.walk([&](LoadOp load) {
    if (!isShared(load))
      return WalkResult::advance();
    for (OpOperand &use : load->getUses()) {
      Operation *user = use.getOwner();
      if (!readsFromShared(use)) {
        load.emitOpError("is a shared tile that an op other than a product "
                         "reading shared memory uses (")
            << user->getName() << ")";
        return WalkResult::interrupt();
      }
      // (A user elsewhere is nested in the load's block: SSA dominance.) A
      // moda_tile.if_seen around it is still the load's step.
      if (isInNestedLoop(user, load->getBlock()))
        heldAcrossLoops.insert(load);
    }
    return WalkResult::advance();
  });
  if (misused.wasInterrupted())
    return failure();
  auto encodingOf = [&](RankedTensorType type, bool swizzleTile) {
    SharedTileEncoding encoding;
    encoding.rows = type.getDimSize(0);
    encoding.rowLength = type.getDimSize(1);
    encoding.elementBytes = type.getElementTypeBitWidth() / 8;
    encoding.swizzled =
        swizzleTile &&
        (encoding.rowLength * encoding.elementBytes) % kPanelBytes == 0;
    return encoding;
  };
  // (kind, position among its block's loads of that kind or multi-buffer
  // id, type) -> buffer; kind 0 for shared loads, 1 for multi-buffers, 2
  // for column statistics, 3 for shared loads held across loops (one buffer
  // each). Column statistics, read by the threads value by value, are not
  // swizzled, in a multi-buffer either.
  DenseMap<std::tuple<unsigned, int64_t, Type>, unsigned> buffers;
  // Sizes are products of the operator's sizes (D is unbounded): counted
  // with overflow checks, and refused past kMostPlanBytes.
  Operation *tooLarge = nullptr;
  auto assign = [&](Operation *op, unsigned kind, int64_t key,
                    RankedTensorType tile, int64_t slots) {
    auto load = dyn_cast<LoadOp>(op);
    bool columnStatistics = load ? isColumnStatistics(load)
                                 : isColumnStatistics(cast<AsyncLoadOp>(op));
    std::optional<int64_t> elements = llvm::checkedMul(
        slots, llvm::checkedMul(tile.getDimSize(0), tile.getDimSize(1))
                   .value_or(kMostPlanBytes));
    std::optional<int64_t> bytes =
        llvm::checkedMul(elements.value_or(kMostPlanBytes),
                         int64_t(tile.getElementTypeBitWidth() / 8));
    if (!bytes || *bytes >= kMostPlanBytes ||
        result.getBufferEnd() + *bytes >= kMostPlanBytes) {
      tooLarge = op;
      return;
    }
    auto bufferType =
        MemRefType::get({*elements}, tile.getElementType(), AffineMap(),
                        memorySpace);
    auto [it, inserted] = buffers.try_emplace({kind, key, bufferType},
                                              result.bufferTypes.size());
    if (inserted) {
      int64_t offset = result.getBufferEnd();
      result.byteOffsets.push_back(llvm::alignTo(offset, alignment));
      result.bufferTypes.push_back(bufferType);
      result.encodings.push_back(encodingOf(tile, swizzle && !columnStatistics));
    }
    result.bufferOf[op] = it->second;
  };
  DenseMap<Block *, unsigned> loadsSoFar, statisticsSoFar;
  int64_t heldSoFar = 0;
  program.walk([&](Operation *op) {
    if (auto load = dyn_cast<LoadOp>(op);
        load && heldAcrossLoops.contains(load))
      assign(load, 3, heldSoFar++, load.getResult().getType(), 1);
    else if (load && isShared(load))
      assign(load, 0, loadsSoFar[load->getBlock()]++,
             load.getResult().getType(), 1);
    else if (load && isColumnStatistics(load))
      assign(load, 2, statisticsSoFar[load->getBlock()]++,
             load.getResult().getType(), 1);
    else if (auto copy = dyn_cast<AsyncLoadOp>(op))
      assign(copy, 1, copy.getMultiBuffer(),
             copy.getResult().getType().getTile(), copy.getCopy().getStages());
  });
  if (tooLarge)
    return tooLarge->emitOpError()
           << "needs a shared tile of " << kMostPlanBytes
           << " bytes or more, more than any target's shared memory";
  return result;
}

FailureOr<SharedTilePlan> SharedTilePlan::planFor(func::FuncOp program,
                                                  MmaKind kind,
                                                  Attribute memorySpace) {
  // Tensor-core products read shared tiles eight rows' 16-byte chunks at
  // once (ldmatrix, wgmma): swizzled, they fall in distinct banks. wgmma's
  // descriptors address the swizzle by shared address, whose period is
  // 1024 bytes.
  bool tensorCores = kind != MmaKind::Fma;
  return plan(program, memorySpace, /*swizzle=*/tensorCores,
              /*alignment=*/kind == MmaKind::Wgmma ? kWarpgroupTileAlignment
                                                   : kLaunchAlignment);
}

int64_t SharedTilePlan::getBufferEnd() const {
  if (bufferTypes.empty())
    return 0;
  MemRefType last = bufferTypes.back();
  return byteOffsets.back() +
         last.getNumElements() * last.getElementTypeBitWidth() / 8;
}

int64_t SharedTilePlan::getBytes() const {
  int64_t slack = alignment > kLaunchAlignment ? alignment - kLaunchAlignment
                                               : 0;
  return getBufferEnd() + slack;
}
