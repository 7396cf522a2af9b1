//===- SharedTilePlan.h - which shared buffer each tile load fills -*- C++ -*-===//
//
// The shared memory of a tile program on the GPU: every load of key, value
// or depth rows (a tile all the block's threads read) fills a shared
// buffer. Loads of one loop body take distinct buffers; loads of different
// loops, never live together, share them by position and type.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATILETOGPU_SHAREDTILEPLAN_H
#define MODA_LIB_CONVERSION_MODATILETOGPU_SHAREDTILEPLAN_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::moda {

struct SharedTilePlan {
  /// The buffers, as workgroup memrefs of a flat tile (rows x D elements).
  SmallVector<MemRefType> bufferTypes;
  /// The buffer each shared load fills.
  DenseMap<Operation *, unsigned> bufferOf;

  /// The plan of `program`, with buffers in `memorySpace`. Fails, with a
  /// diagnostic, on a shared load used outside its own block (a loop's
  /// buffer could then be overwritten while still in use).
  static FailureOr<SharedTilePlan> plan(func::FuncOp program,
                                        Attribute memorySpace);
  /// Whether `load` reads a tile every thread of the block uses (key, value
  /// or depth rows) rather than the thread's own rows (query).
  static bool isShared(tile::LoadOp load);
  int64_t getBytes() const;
};

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOGPU_SHAREDTILEPLAN_H
