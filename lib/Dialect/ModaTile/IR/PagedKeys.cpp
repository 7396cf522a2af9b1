//===- PagedKeys.cpp - where a key of a paged KV cache is -----------------===//

#include "moda/Dialect/ModaTile/IR/PagedKeys.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

using namespace mlir;

std::pair<Value, Value> mlir::moda::tile::buildPageLookup(
    OpBuilder &b, Location loc, Value blockTable, Value batch, Value key,
    Value pages, int64_t pageSize, int64_t pagesPerEntry) {
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  Value column = arith::MinUIOp::create(
      b, loc, arith::DivUIOp::create(b, loc, key, index(pageSize)),
      index(pagesPerEntry - 1));
  Value entry = arith::AddIOp::create(
      b, loc, arith::MulIOp::create(b, loc, batch, index(pagesPerEntry)),
      column);
  Value raw = memref::LoadOp::create(b, loc, blockTable, ValueRange{entry});
  // The ids are signed i32: a negative one clamps to page 0 rather than
  // reading as a huge unsigned index; an empty pool (pages = 0) reads page
  // 0 of nothing, which no visible key asks for.
  Value page = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value lastPage = arith::MaxSIOp::create(
      b, loc, arith::SubIOp::create(b, loc, pages, index(1)), index(0));
  page = arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, page, index(0)), lastPage);
  Value row = arith::RemUIOp::create(b, loc, key, index(pageSize));
  return {page, row};
}
