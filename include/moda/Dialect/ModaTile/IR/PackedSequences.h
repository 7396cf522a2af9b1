//===- PackedSequences.h - where a packed sequence is -----------*- C++ -*-===//
//
// The bounds of one of several sequences packed back to back (FlashAttention's
// cu_seqlens), written once for every lowering of moda_tile.sequence_bounds.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_PACKEDSEQUENCES_H
#define MODA_DIALECT_MODATILE_IR_PACKEDSEQUENCES_H

#include "mlir/IR/Builders.h"

namespace mlir::moda::tile {

/// Emits the first token and the length (index values) of sequence
/// `sequence` of the offsets `cuSeqlens` (memref<?xi32>), clamped into
/// [0, tokens]: begin = clamp(cu[i], 0, N), end = clamp(cu[i + 1], begin,
/// N), length = end - begin.
std::pair<Value, Value> buildSequenceBounds(OpBuilder &b, Location loc,
                                            Value cuSeqlens, Value sequence,
                                            Value tokens);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_PACKEDSEQUENCES_H
