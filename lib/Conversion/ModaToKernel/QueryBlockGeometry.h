//===- QueryBlockGeometry.h - what a query block covers ---------*- C++ -*-===//
//
// Shared by the SIMT and the tensor-core block builders: index arithmetic,
// the rows, key tiles and depth span of one query block, and the element
// offsets of rows in the flat tensors. Both kernels must agree on these to
// the last index, so they are computed in one place.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATOKERNEL_QUERYBLOCKGEOMETRY_H
#define MODA_LIB_CONVERSION_MODATOKERNEL_QUERYBLOCKGEOMETRY_H

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace mlir::moda::indexing {

inline Value cIndex(ImplicitLocOpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, v);
}
inline Value cF32(ImplicitLocOpBuilder &b, double v) {
  return arith::ConstantOp::create(b, b.getF32FloatAttr(v));
}
inline Value add(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::AddIOp::create(b, x, y);
}
inline Value sub(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::SubIOp::create(b, x, y);
}
inline Value mul(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::MulIOp::create(b, x, y);
}
inline Value div(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::DivUIOp::create(b, x, y);
}
inline Value rem(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::RemUIOp::create(b, x, y);
}
inline Value ceilDiv(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::CeilDivUIOp::create(b, x, y);
}
inline Value lessThan(ImplicitLocOpBuilder &b, Value x, Value y) {
  return arith::CmpIOp::create(b, arith::CmpIPredicate::slt, x, y);
}
/// min(max(x, lo), hi) with signed comparisons: intermediate bounds such as
/// t + S + 1 - T can be negative.
inline Value clamp(ImplicitLocOpBuilder &b, Value x, Value lo, Value hi) {
  return arith::MinSIOp::create(b, arith::MaxSIOp::create(b, x, lo), hi);
}
inline Value select(ImplicitLocOpBuilder &b, Value cond, Value x, Value y) {
  return arith::SelectOp::create(b, cond, x, y);
}

/// One query block: `block_m` folded rows (row i = t * G + g) of key/value
/// head `head` of batch entry `batch`.
struct QueryBlockGeometry {
  Value batch, head;
  Value rowBase, numRows;
  Value firstPosition, lastPosition;
  /// Sequence tiles of `block_n` keys: [0, numFullTiles) are visible to
  /// every row of the block, [numFullTiles, numSequenceTiles) need a mask.
  Value numFullTiles, numSequenceTiles;
  /// The block's contiguous depth span [begin, end) of flattened
  /// (position, entry) indices, and its tiles of `depthTileRows` entries.
  Value depthSpanBegin, depthSpanEnd, numDepthTiles;

  /// The geometry of query block `queryBlock`; tile counts are in tiles of
  /// `block_n` sequence keys and `depthTileRows` depth entries.
  static QueryBlockGeometry compute(ImplicitLocOpBuilder &b,
                                    const AttentionKernelSpec &spec,
                                    const AttentionKernelArgs &args,
                                    Value queryBlock, Value head, Value batch,
                                    int64_t depthTileRows);

  /// Element offset of q/out[batch, position, head * G + g, 0].
  Value queryRowOffset(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                       const AttentionKernelArgs &args, Value position,
                       Value queryHead) const;
  /// Element offset of k/v[batch, key, head, 0] in [B, S, Hk, D].
  Value sequenceRowOffset(ImplicitLocOpBuilder &b,
                          const AttentionKernelSpec &spec,
                          const AttentionKernelArgs &args, Value key) const;
  /// Element offset of depth_k/v[batch, t, l, head, 0] in [B, T, L, Hk, D]
  /// for entry = t * L + l: the L entries of consecutive positions are
  /// consecutive.
  Value depthRowOffset(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                       const AttentionKernelArgs &args, Value entry) const;
  /// Offset of lse[batch, queryHead, position] in [B, Hq, T].
  Value lseOffset(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                  const AttentionKernelArgs &args, Value position,
                  Value queryHead) const;
  /// Offsets of folded row `row` of the block's kv head (position row / G,
  /// query head head x G + row mod G) in [B, T, Hq, D] and in [B, Hq, T].
  Value foldedRowOffset(ImplicitLocOpBuilder &b,
                        const AttentionKernelSpec &spec,
                        const AttentionKernelArgs &args, Value row) const;
  Value foldedLseOffset(ImplicitLocOpBuilder &b,
                        const AttentionKernelSpec &spec,
                        const AttentionKernelArgs &args, Value row) const;
  /// Folded row `row` of the block's kv head: (position row / G, query head
  /// head x G + row mod G).
  std::pair<Value, Value> unfoldRow(ImplicitLocOpBuilder &b,
                                    const AttentionKernelSpec &spec,
                                    Value row) const;
  /// The end (exclusive) of the sequence keys position `position` sees.
  Value rowKeyEnd(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                  const AttentionKernelArgs &args, Value position) const;
  /// The window [begin, end) of flattened depth entries `position` sees.
  std::pair<Value, Value> depthWindow(ImplicitLocOpBuilder &b,
                                      const AttentionKernelSpec &spec,
                                      const AttentionKernelArgs &args,
                                      Value position) const;
};

} // namespace mlir::moda::indexing

#endif // MODA_LIB_CONVERSION_MODATOKERNEL_QUERYBLOCKGEOMETRY_H
