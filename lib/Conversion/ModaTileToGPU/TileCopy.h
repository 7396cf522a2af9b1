//===- TileCopy.h - shared tiles brought in from global memory --*- C++ -*-===//
//
// How the block's threads bring a tile of rows from global into shared
// memory: consecutive threads take consecutive 16-byte chunks (coalesced
// reads), written where the plan's encoding puts them; rows at or past the
// load's end are zeros. Each copy kind moves a chunk its own way, in a file
// of its own: `vector` with a 16-byte load and store (VectorCopy.cpp),
// `cp_async` with an asynchronous copy (CpAsyncCopy.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATILETOGPU_TILECOPY_H
#define MODA_LIB_CONVERSION_MODATILETOGPU_TILECOPY_H

#include "moda/Dialect/ModaTile/Analysis/SharedTilePlan.h"

#include "moda/Dialect/ModaTile/IR/RowLayout.h"

#include "mlir/IR/Builders.h"

namespace mlir::moda {

/// One chunk of a tile copy (16 bytes of a row, or a column's value), as
/// the copy loop hands it to a copy kind: `inside` says whether its row exists; `sourceOffset` is its
/// element offset in `source` (meaningful only where `inside`);
/// `targetOffset` its offset in the shared `target`.
struct TileChunk {
  Value inside, source, sourceOffset, target, targetOffset;
  VectorType type;
};

/// Where a tile's rows come from, as the kernel sees the load's operands.
struct TileSource {
  /// Where the rows are (their rowLength is set by the copy).
  tile::RowAddress address;
  RankedTensorType type;
  tile::CopyKind kind;
  Value buffer, first, end;
};

/// Emits the copy of `source`'s tile into the shared `target` from element
/// `targetBase` on, laid out as `encoding`, by thread `threadId` of
/// `numThreads`. A `vector` copy is done when the code returns; a
/// `cp_async` one is started (emitAsyncCopyWait commits and waits). No
/// barrier: the caller orders the copy against the buffer's readers.
/// Fails, with a diagnostic on `op`, on rows that are not whole 16-byte
/// chunks.
LogicalResult emitSharedTileCopy(OpBuilder &b, Location loc, Operation *op,
                                 const TileSource &source, Value target,
                                 Value targetBase,
                                 const SharedTileEncoding &encoding,
                                 Value threadId, int64_t numThreads);

/// Emits the copy of the column statistics `source` (the lse or delta
/// values of a tile's columns, tensor<1xN>) into the shared `target` from
/// element `targetBase` on, a value per column and thread: consecutive
/// folded rows of different query heads lie T apart in lse, so no wider
/// chunk holds several. Columns at or past the load's end are zeros. No
/// barrier, as emitSharedTileCopy.
void emitColumnStatisticsCopy(OpBuilder &b, Location loc,
                              const TileSource &source, Value target,
                              Value targetBase, Value threadId,
                              int64_t numThreads);

/// VectorCopy.cpp: the chunk read with one load (zeros outside) and
/// stored.
void emitVectorChunkCopy(OpBuilder &b, Location loc, const TileChunk &chunk);

/// CpAsyncCopy.cpp: the chunk as a cp.async of its 4, 8 or 16 bytes
/// (zero-filled outside);
/// the commit of the thread's copies started since the last commit as a
/// group; the wait until at most `pending` of its groups are in flight.
void emitAsyncChunkCopy(OpBuilder &b, Location loc, const TileChunk &chunk);
void emitAsyncCopyCommit(OpBuilder &b, Location loc);
void emitAsyncCopyWait(OpBuilder &b, Location loc, int64_t pending);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_TILECOPY_H
