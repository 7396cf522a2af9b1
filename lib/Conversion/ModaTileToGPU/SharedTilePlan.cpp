//===- SharedTilePlan.cpp - the shared memory of a tile program -----------===//

#include "SharedTilePlan.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

/// Bytes of a swizzled panel row and of the chunk the swizzle permutes.
static constexpr int64_t kPanelBytes = 128, kChunkBytes = 16;

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

bool SharedTilePlan::isShared(LoadOp load) {
  return load.getRows().getKind() != RowKind::Query;
}

FailureOr<SharedTilePlan> SharedTilePlan::plan(func::FuncOp program,
                                               Attribute memorySpace,
                                               bool swizzle) {
  SharedTilePlan result;
  WalkResult escapes = program.walk([&](LoadOp load) {
    if (!isShared(load))
      return WalkResult::advance();
    for (Operation *user : load->getUsers())
      if (user->getBlock() != load->getBlock()) {
        load.emitOpError("is a shared tile used outside its own block: its "
                         "buffer could be overwritten while still in use");
        return WalkResult::interrupt();
      }
    return WalkResult::advance();
  });
  if (escapes.wasInterrupted())
    return failure();
  // (position among its block's shared loads, type) -> buffer.
  DenseMap<std::pair<unsigned, Type>, unsigned> buffers;
  DenseMap<Block *, unsigned> loadsSoFar;
  program.walk([&](LoadOp load) {
    if (!isShared(load))
      return;
    RankedTensorType type = load.getResult().getType();
    auto bufferType = MemRefType::get({type.getNumElements()},
                                      type.getElementType(), AffineMap(),
                                      memorySpace);
    unsigned position = loadsSoFar[load->getBlock()]++;
    auto [it, inserted] =
        buffers.try_emplace({position, bufferType}, result.bufferTypes.size());
    if (inserted) {
      SharedTileEncoding encoding;
      encoding.rows = type.getDimSize(0);
      encoding.rowLength = type.getDimSize(1);
      encoding.elementBytes = type.getElementTypeBitWidth() / 8;
      encoding.swizzled =
          swizzle && (encoding.rowLength * encoding.elementBytes) %
                             kPanelBytes ==
                         0;
      result.bufferTypes.push_back(bufferType);
      result.encodings.push_back(encoding);
    }
    result.bufferOf[load] = it->second;
  });
  return result;
}

int64_t SharedTilePlan::getBytes() const {
  int64_t bytes = 0;
  for (MemRefType type : bufferTypes)
    bytes += type.getNumElements() * type.getElementTypeBitWidth() / 8;
  return bytes;
}
