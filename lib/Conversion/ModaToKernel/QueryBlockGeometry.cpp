//===- QueryBlockGeometry.cpp - what a query block covers -----------------===//

#include "QueryBlockGeometry.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::indexing;

QueryBlockGeometry QueryBlockGeometry::compute(ImplicitLocOpBuilder &b,
                                               const AttentionKernelSpec &spec,
                                               const AttentionKernelArgs &args,
                                               Value queryBlock, Value head,
                                               Value batch,
                                               int64_t depthTileRows) {
  QueryBlockGeometry g;
  g.batch = batch;
  g.head = head;
  Value group = cIndex(b, spec.groupSize);
  g.rowBase = mul(b, queryBlock, cIndex(b, spec.config.getBlockM()));
  g.numRows = mul(b, args.queries, group);
  g.firstPosition = div(b, g.rowBase, group);
  Value lastRow = add(b, g.rowBase, cIndex(b, spec.config.getBlockM() - 1));
  g.lastPosition = arith::MinUIOp::create(
      b, div(b, lastRow, group), sub(b, args.queries, cIndex(b, 1)));

  Value one = cIndex(b, 1);
  if (spec.hasSequence) {
    Value keys = args.keys;
    Value blockN = cIndex(b, spec.config.getBlockN());
    Value fullEnd = keys, diagonalEnd = keys;
    if (spec.causal) {
      fullEnd = g.rowKeyEnd(b, spec, args, g.firstPosition);
      diagonalEnd = g.rowKeyEnd(b, spec, args, g.lastPosition);
    }
    g.numFullTiles = div(b, fullEnd, blockN);
    g.numSequenceTiles = ceilDiv(b, diagonalEnd, blockN);
  }
  if (spec.hasDepth) {
    g.depthSpanBegin = g.depthWindow(b, spec, args, g.firstPosition).first;
    g.depthSpanEnd = mul(b, add(b, g.lastPosition, one), args.depth);
    g.numDepthTiles = ceilDiv(b, sub(b, g.depthSpanEnd, g.depthSpanBegin),
                              cIndex(b, depthTileRows));
  }
  return g;
}

Value QueryBlockGeometry::queryRowOffset(ImplicitLocOpBuilder &b,
                                         const AttentionKernelSpec &spec,
                                         const AttentionKernelArgs &args,
                                         Value position,
                                         Value queryHead) const {
  Value row = add(b, mul(b, add(b, mul(b, batch, args.queries), position),
                         cIndex(b, spec.numQueryHeads)),
                  queryHead);
  return mul(b, row, cIndex(b, spec.headDim));
}

Value QueryBlockGeometry::sequenceRowOffset(ImplicitLocOpBuilder &b,
                                            const AttentionKernelSpec &spec,
                                            const AttentionKernelArgs &args,
                                            Value key) const {
  Value row = add(b, mul(b, add(b, mul(b, batch, args.keys), key),
                         cIndex(b, spec.numKVHeads)),
                  head);
  return mul(b, row, cIndex(b, spec.headDim));
}

Value QueryBlockGeometry::depthRowOffset(ImplicitLocOpBuilder &b,
                                         const AttentionKernelSpec &spec,
                                         const AttentionKernelArgs &args,
                                         Value entry) const {
  Value batchEntries = mul(b, mul(b, batch, args.queries), args.depth);
  Value row = add(b, mul(b, add(b, batchEntries, entry),
                         cIndex(b, spec.numKVHeads)),
                  head);
  return mul(b, row, cIndex(b, spec.headDim));
}

Value QueryBlockGeometry::lseOffset(ImplicitLocOpBuilder &b,
                                    const AttentionKernelSpec &spec,
                                    const AttentionKernelArgs &args,
                                    Value position, Value queryHead) const {
  return add(b,
             mul(b, add(b, mul(b, batch, cIndex(b, spec.numQueryHeads)),
                        queryHead),
                 args.queries),
             position);
}

std::pair<Value, Value>
QueryBlockGeometry::unfoldRow(ImplicitLocOpBuilder &b,
                              const AttentionKernelSpec &spec,
                              Value row) const {
  Value group = cIndex(b, spec.groupSize);
  Value queryHead = add(b, mul(b, head, group), rem(b, row, group));
  return {div(b, row, group), queryHead};
}

Value QueryBlockGeometry::foldedRowOffset(ImplicitLocOpBuilder &b,
                                          const AttentionKernelSpec &spec,
                                          const AttentionKernelArgs &args,
                                          Value row) const {
  auto [position, queryHead] = unfoldRow(b, spec, row);
  return queryRowOffset(b, spec, args, position, queryHead);
}

Value QueryBlockGeometry::foldedLseOffset(ImplicitLocOpBuilder &b,
                                          const AttentionKernelSpec &spec,
                                          const AttentionKernelArgs &args,
                                          Value row) const {
  auto [position, queryHead] = unfoldRow(b, spec, row);
  return lseOffset(b, spec, args, position, queryHead);
}

Value QueryBlockGeometry::rowKeyEnd(ImplicitLocOpBuilder &b,
                                    const AttentionKernelSpec &spec,
                                    const AttentionKernelArgs &args,
                                    Value position) const {
  if (!spec.causal)
    return args.keys;
  // Row t sees keys s < t + S + 1 - T (bottom-right aligned).
  Value one = cIndex(b, 1);
  Value shift = sub(b, add(b, args.keys, one), args.queries);
  return clamp(b, add(b, position, shift), cIndex(b, 0), args.keys);
}

std::pair<Value, Value>
QueryBlockGeometry::depthWindow(ImplicitLocOpBuilder &b,
                                const AttentionKernelSpec &spec,
                                const AttentionKernelArgs &args,
                                Value position) const {
  Value windowFirstPosition = position;
  if (spec.visibility == DepthVisibility::Chunk) {
    Value chunk = cIndex(b, spec.chunkSize);
    windowFirstPosition = mul(b, div(b, position, chunk), chunk);
  }
  return {mul(b, windowFirstPosition, args.depth),
          mul(b, add(b, position, cIndex(b, 1)), args.depth)};
}
