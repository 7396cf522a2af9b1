//===- SharedTilePlan.h - the shared memory of a tile program ---*- C++ -*-===//
//
// The shared memory of a tile program on the GPU, planned once: every load
// of key, value or depth rows (a tile all the block's threads read) fills a
// shared buffer, and so does a loaded left operand that warpgroup products
// read from shared memory (lhs_from_shared). Loads of one loop body take
// distinct buffers; loads of different loops, never live together, share
// them by position and type; a load whose tile is read inside nested loops
// has a buffer of its own.
// The asynchronous copies of a pipelined loop (moda_tile.async_load) fill
// the slots of their multi-buffer, one buffer of `stages` tiles per
// multi-buffer id and type, shared by the loops the same way (each loop
// drains its copies before the next starts).
// Where each element of a buffer lives (its encoding, swizzled or not) and
// where each buffer lives in the block's dynamic shared memory (its byte
// offset, aligned as the products that read it require) are decided here
// too; every writer and reader asks the plan, and so does the manifest
// (the launch's dynamic shared memory is the plan's bytes).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_ANALYSIS_SHAREDTILEPLAN_H
#define MODA_DIALECT_MODATILE_ANALYSIS_SHAREDTILEPLAN_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "llvm/ADT/DenseMap.h"

namespace mlir::moda {

/// Where element (row, column) of a shared tile of `rows` x `rowLength`
/// elements lives in its flat buffer.
struct SharedTileEncoding {
  int64_t rows = 0, rowLength = 0;
  /// Bytes per element.
  int64_t elementBytes = 0;
  /// Row-major when false. When true: panels of 128-byte rows (a panel
  /// holds 128 bytes of every row), with a row's 16-byte chunk index XORed
  /// with the row's low three bits, so that eight rows' same chunk (what
  /// ldmatrix and the copies touch at once) fall in distinct banks.
  bool swizzled = false;

  /// The flat offset of (row, column); with `swizzled`, `column` is a
  /// multiple of the 16-byte chunk or the element is within the chunk of
  /// the column's multiple below it (the offset of a chunk's first element
  /// plus the distance into it).
  Value buildOffset(OpBuilder &b, Location loc, Value row,
                    Value column) const;
};

struct SharedTilePlan {
  /// The buffers, as workgroup memrefs of a flat tile (rows x D elements),
  /// each buffer's encoding and its byte offset from the aligned start of
  /// the block's dynamic shared memory.
  SmallVector<MemRefType> bufferTypes;
  SmallVector<SharedTileEncoding> encodings;
  SmallVector<int64_t> byteOffsets;
  /// The alignment of every buffer, in bytes: 16 (the copies' chunk), or
  /// the 1024 of the 128-byte swizzle's eight-row period where products
  /// address swizzled tiles by shared address (wgmma's descriptors).
  int64_t alignment = 16;
  /// The buffer each shared load, column-statistics load or asynchronous
  /// copy fills.
  DenseMap<Operation *, unsigned> bufferOf;

  /// The plan of `program`, with buffers in `memorySpace` aligned to
  /// `alignment` bytes, swizzled where `swizzle` and the rows are whole
  /// 128-byte panels. Fails, with a diagnostic, on a shared load that an
  /// op other than a product reading shared memory uses (its tile is in
  /// no thread's registers).
  static FailureOr<SharedTilePlan> plan(func::FuncOp program,
                                        Attribute memorySpace, bool swizzle,
                                        int64_t alignment);
  /// The plan of `program`, whose products have layout `kind`: what the
  /// GPU lowering and the manifest use, and what a configuration's shared
  /// memory is measured by.
  static FailureOr<SharedTilePlan> planFor(func::FuncOp program, MmaKind kind,
                                           Attribute memorySpace);
  /// Whether `load` reads a tile into shared memory, where products read
  /// it (as their right operand, or as their left one with
  /// lhs_from_shared), rather than the threads' own rows into registers.
  static bool isShared(tile::LoadOp load);
  /// Whether `use` is a product reading its operand from shared memory: the
  /// right operand always, the left one where layout assignment said so
  /// (lhs_from_shared).
  static bool readsFromShared(OpOperand &use);
  /// The dynamic shared memory a launch asks for: the buffers, plus the
  /// slack the kernel needs to align their start (the launch guarantees 16
  /// bytes).
  int64_t getBytes() const;
  /// Where the last buffer ends, from the aligned start.
  int64_t getBufferEnd() const;
  /// The encoding of the tiles `op` (a shared load or an asynchronous
  /// copy) writes: a multi-buffer's slots are tiles one after the other.
  const SharedTileEncoding &getEncoding(Operation *op) const {
    return encodings[bufferOf.lookup(op)];
  }
};

} // namespace mlir::moda

#endif // MODA_DIALECT_MODATILE_ANALYSIS_SHAREDTILEPLAN_H
