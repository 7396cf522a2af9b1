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

#include "SharedTilePlan.h"

#include "mlir/IR/Builders.h"

namespace mlir::moda {

/// One 16-byte chunk of a tile copy, as the chunk loop hands it to a copy
/// kind: `inside` says whether its row exists; `sourceOffset` is its
/// element offset in `source` (meaningful only where `inside`);
/// `targetOffset` its offset in the shared `target`.
struct TileChunk {
  Value inside, source, sourceOffset, target, targetOffset;
  VectorType type;
};

/// Emits the copy of `load`'s tile into the shared `buffer` laid out as
/// `encoding`, by thread `threadId` of `numThreads`; `operands` are the
/// load's operands as the kernel sees them. With cp_async, the copies are
/// committed and waited for. No barrier: the caller orders the copy against
/// the buffer's readers. Fails, with a diagnostic, on rows that are not
/// whole 16-byte chunks.
LogicalResult emitSharedTileCopy(OpBuilder &b, Location loc,
                                 tile::LoadOp load,
                                 tile::LoadOp::Adaptor operands, Value buffer,
                                 const SharedTileEncoding &encoding,
                                 Value threadId, int64_t numThreads);

/// VectorCopy.cpp: the chunk read with a 16-byte load (zeros outside) and
/// stored.
void emitVectorChunkCopy(OpBuilder &b, Location loc, const TileChunk &chunk);

/// CpAsyncCopy.cpp: the chunk as a 16-byte cp.async (zero-filled outside),
/// and the wait for all of the thread's copies in flight.
void emitAsyncChunkCopy(OpBuilder &b, Location loc, const TileChunk &chunk);
void emitAsyncCopyWait(OpBuilder &b, Location loc);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_TILECOPY_H
