//===- TileCopy.cpp - shared tiles brought in from global memory ----------===//

#include "TileCopy.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

LogicalResult mlir::moda::emitSharedTileCopy(
    OpBuilder &b, Location loc, Operation *op, const TileSource &source,
    Value target, Value targetBase, const SharedTileEncoding &encoding,
    Value threadId, int64_t numThreads) {
  CopyKind kind = source.kind;
  RankedTensorType type = source.type;
  Type elementType = type.getElementType();
  int64_t tileRows = type.getDimSize(0), rowLength = type.getDimSize(1);
  int64_t vectorWidth = getVectorWidth(elementType);
  if (rowLength % vectorWidth != 0)
    return op->emitOpError() << "has rows of " << rowLength
                              << " elements: the copy moves 16-byte chunks, "
                              << vectorWidth << " elements each";
  int64_t chunksPerRow = rowLength / vectorWidth;
  tile::RowAddress rowAddress = source.address;
  rowAddress.rowLength = rowLength;
  int64_t numChunks = tileRows * chunksPerRow;
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  {
    OpBuilder::InsertionGuard guard(b);
    auto loop = scf::ForOp::create(
        b, loc, index(0), index(llvm::divideCeil(numChunks, numThreads)),
        index(1));
    b.setInsertionPointToStart(loop.getBody());
    Value chunkIndex = arith::AddIOp::create(
        b, loc, threadId,
        arith::MulIOp::create(b, loc, loop.getInductionVar(),
                              index(numThreads)));
    auto inTile = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, chunkIndex,
                              index(numChunks)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(inTile.thenBlock());
    Value row = arith::DivUIOp::create(b, loc, chunkIndex, index(chunksPerRow));
    Value column = arith::MulIOp::create(
        b, loc, arith::RemUIOp::create(b, loc, chunkIndex, index(chunksPerRow)),
        index(vectorWidth));
    Value entry = arith::AddIOp::create(b, loc, source.first, row);
    TileChunk chunk;
    chunk.inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                         entry, source.end);
    chunk.source = source.buffer;
    chunk.sourceOffset = arith::AddIOp::create(
        b, loc,
        buildRowOffset(b, loc, rowAddress, entry),
        column);
    chunk.target = target;
    chunk.targetOffset = arith::AddIOp::create(
        b, loc, targetBase, encoding.buildOffset(b, loc, row, column));
    chunk.type = VectorType::get({vectorWidth}, elementType);
    if (kind == CopyKind::CpAsync)
      emitAsyncChunkCopy(b, loc, chunk);
    else
      emitVectorChunkCopy(b, loc, chunk);
  }
  return success();
}

void mlir::moda::emitColumnStatisticsCopy(OpBuilder &b, Location loc,
                                          const TileSource &source,
                                          Value target, Value targetBase,
                                          Value threadId,
                                          int64_t numThreads) {
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  int64_t columns = source.type.getDimSize(1);
  tile::RowAddress rowAddress = source.address;
  rowAddress.rowLength = 1;
  for (int64_t pass = 0; pass < columns; pass += numThreads) {
    OpBuilder::InsertionGuard guard(b);
    Value column = arith::AddIOp::create(b, loc, threadId, index(pass));
    auto inTile = scf::IfOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, column,
                              index(columns)),
        /*withElseRegion=*/false);
    b.setInsertionPointToStart(inTile.thenBlock());
    Value row = arith::AddIOp::create(b, loc, source.first, column);
    TileChunk chunk;
    chunk.inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                         row, source.end);
    chunk.source = source.buffer;
    chunk.sourceOffset = buildRowOffset(b, loc, rowAddress, row);
    chunk.target = target;
    chunk.targetOffset = arith::AddIOp::create(b, loc, targetBase, column);
    chunk.type = VectorType::get({1}, source.type.getElementType());
    if (source.kind == CopyKind::CpAsync)
      emitAsyncChunkCopy(b, loc, chunk);
    else
      emitVectorChunkCopy(b, loc, chunk);
  }
}
