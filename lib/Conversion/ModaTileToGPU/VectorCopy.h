//===- VectorCopy.h - tiles copied with 16-byte loads -----------*- C++ -*-===//
//
// The `vector` copy kind on the GPU: the block's threads bring a tile of
// rows from global into shared memory with 16-byte loads, consecutive
// threads on consecutive chunks (coalesced).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATILETOGPU_VECTORCOPY_H
#define MODA_LIB_CONVERSION_MODATILETOGPU_VECTORCOPY_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/Builders.h"

namespace mlir::moda {

/// Emits the copy of `load`'s tile into the flat shared `buffer` by thread
/// `threadId` of `numThreads`; `operands` are the load's operands as the
/// kernel sees them. Rows at or past the load's end are zeros. No barrier:
/// the caller orders the copy against the buffer's readers.
void emitVectorTileCopy(OpBuilder &b, Location loc, tile::LoadOp load,
                        tile::LoadOp::Adaptor operands, Value buffer,
                        Value threadId, int64_t numThreads);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_VECTORCOPY_H
