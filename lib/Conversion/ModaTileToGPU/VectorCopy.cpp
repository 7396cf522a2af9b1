//===- VectorCopy.cpp - the vector copy kind: 16-byte loads and stores ----===//

#include "TileCopy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;

void mlir::moda::emitVectorChunkCopy(OpBuilder &b, Location loc,
                                     const TileChunk &chunk) {
  // A 16-byte chunk, or a column's value: aligned to its own size.
  const llvm::Align alignment(chunk.type.getNumElements() *
                              chunk.type.getElementTypeBitWidth() / 8);
  auto data = scf::IfOp::create(
      b, loc, chunk.inside,
      [&](OpBuilder &then, Location l) {
        Value value = vector::LoadOp::create(then, l, chunk.type, chunk.source,
                                             ValueRange{chunk.sourceOffset},
                                             false, alignment);
        scf::YieldOp::create(then, l, value);
      },
      [&](OpBuilder &otherwise, Location l) {
        Value zeros = arith::ConstantOp::create(
            otherwise, l,
            DenseElementsAttr::get(
                chunk.type,
                otherwise.getFloatAttr(chunk.type.getElementType(), 0.0)));
        scf::YieldOp::create(otherwise, l, zeros);
      });
  vector::StoreOp::create(b, loc, data.getResult(0), chunk.target,
                          ValueRange{chunk.targetOffset}, false, alignment);
}
