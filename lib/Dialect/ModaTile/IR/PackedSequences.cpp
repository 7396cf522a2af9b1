//===- PackedSequences.cpp - where a packed sequence is -------------------===//

#include "moda/Dialect/ModaTile/IR/PackedSequences.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

std::pair<Value, Value> mlir::moda::tile::buildSequenceBounds(
    OpBuilder &b, Location loc, Value cuSeqlens, Value sequence,
    Value tokens) {
  Type indexType = b.getIndexType();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  // The offsets are signed i32: a negative one clamps to 0 rather than
  // reading as a huge unsigned index.
  auto offset = [&](Value at) -> Value {
    Value raw = memref::LoadOp::create(b, loc, cuSeqlens, ValueRange{at});
    Value wide = arith::IndexCastOp::create(b, loc, indexType, raw);
    return arith::MinSIOp::create(
        b, loc, arith::MaxSIOp::create(b, loc, wide, zero), tokens);
  };
  Value begin = offset(sequence);
  Value next = arith::AddIOp::create(b, loc, sequence, one);
  Value end = arith::MaxSIOp::create(b, loc, offset(next), begin);
  return {begin, arith::SubIOp::create(b, loc, end, begin)};
}
