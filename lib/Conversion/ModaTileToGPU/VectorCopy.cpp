//===- VectorCopy.cpp - tiles copied with 16-byte loads -------------------===//

#include "VectorCopy.h"

#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

void mlir::moda::emitVectorTileCopy(OpBuilder &b, Location loc, LoadOp load,
                                    LoadOp::Adaptor operands, Value buffer,
                                    Value threadId, int64_t numThreads) {
  RankedTensorType type = load.getResult().getType();
  Type elementType = type.getElementType();
  int64_t tileRows = type.getDimSize(0), rowLength = type.getDimSize(1);
  int64_t vectorWidth = getVectorWidth(elementType);
  int64_t chunksPerRow = rowLength / vectorWidth;
  int64_t numChunks = tileRows * chunksPerRow;
  auto chunkType = VectorType::get({vectorWidth}, elementType);
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  const llvm::Align alignment(16);
  auto loop = scf::ForOp::create(b, loc, index(0),
                                 index(llvm::divideCeil(numChunks, numThreads)),
                                 index(1));
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  // Consecutive threads take consecutive 16-byte chunks: coalesced.
  Value chunk = arith::AddIOp::create(
      b, loc, threadId,
      arith::MulIOp::create(b, loc, loop.getInductionVar(), index(numThreads)));
  auto inTile = scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, chunk,
                            index(numChunks)),
      /*withElseRegion=*/false);
  b.setInsertionPointToStart(inTile.thenBlock());
  Value row = arith::DivUIOp::create(b, loc, chunk, index(chunksPerRow));
  Value column = arith::MulIOp::create(
      b, loc, arith::RemUIOp::create(b, loc, chunk, index(chunksPerRow)),
      index(vectorWidth));
  Value entry = arith::AddIOp::create(b, loc, operands.getFirst(), row);
  Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt,
                                       entry, operands.getEnd());
  auto data = scf::IfOp::create(
      b, loc, inside,
      [&](OpBuilder &then, Location l) {
        Value offset = arith::AddIOp::create(
            then, l,
            buildRowOffset(then, l, load.getRows(), operands.getBatch(),
                           operands.getHead(), entry, operands.getExtent(),
                           rowLength),
            column);
        Value value =
            vector::LoadOp::create(then, l, chunkType, operands.getBuffer(),
                                   ValueRange{offset}, false, alignment);
        scf::YieldOp::create(then, l, value);
      },
      [&](OpBuilder &otherwise, Location l) {
        Value zeros = arith::ConstantOp::create(
            otherwise, l,
            DenseElementsAttr::get(chunkType,
                                   otherwise.getFloatAttr(elementType, 0.0)));
        scf::YieldOp::create(otherwise, l, zeros);
      });
  Value tileOffset = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, row, index(rowLength)), column);
  vector::StoreOp::create(b, loc, data.getResult(0), buffer,
                          ValueRange{tileOffset}, false, alignment);
}
