//===- ModaTileDialect.h - the moda_tile dialect ----------------*- C++ -*-===//
//
// The one header users of the tile dialect include: the dialect, its enums,
// attributes and operations, and the two rules every lowering of them asks
// (Visibility.h, RowLayout.h).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_MODATILEDIALECT_H
#define MODA_DIALECT_MODATILE_IR_MODATILEDIALECT_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h.inc"
#include "moda/Dialect/ModaTile/IR/ModaTileEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "moda/Dialect/ModaTile/IR/ModaTileAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "moda/Dialect/ModaTile/IR/ModaTileTypes.h.inc"

#define GET_OP_CLASSES
#include "moda/Dialect/ModaTile/IR/ModaTileOps.h.inc"

namespace mlir::moda::tile {
/// The unit attribute that marks a func.func as a tile program.
inline constexpr StringLiteral kProgramAttrName = "moda_tile.program";

/// The program's first load of query rows (whose rows give the program's
/// group size, head size and element type), or null when it has none.
LoadOp getQueryRowsLoad(func::FuncOp program);

/// Whether `load`'s tile is a product's right operand: a tile every thread
/// of the block reads (keys, values, depth entries; in the backward's
/// key-side programs query rows and output gradients), streamed in by the
/// copy kind moda-tile-assign-layouts gives it (shared memory on the GPU).
bool isStreamedTile(LoadOp load);

/// Whether `load` reads the lse or delta values of a tile's columns, one
/// row of them (`tensor<1xN>`): in the backward's key-side programs, the
/// statistics of the query rows each step streams in, streamed with them.
bool isColumnStatistics(LoadOp load);
/// Whether `copy` brings in column statistics (its verifier admits lse
/// values only as a tile's column row).
bool isColumnStatistics(AsyncLoadOp copy);

/// The program's load of the rows its block owns, the first tile loaded
/// that is neither streamed nor lse rows: query rows in the forward and dq
/// programs, keys or depth entries in the backward's key-side programs;
/// null when there is none.
LoadOp getBlockRowsLoad(func::FuncOp program);
} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_MODATILEDIALECT_H
