//===- ProgramLayout.h - the layout of a tile program -----------*- C++ -*-===//
//
// Layout assignment gives every product of a tile program one layout, and a
// program without products (split-KV's merge) the layout of its rows as
// the attribute kProgramLayoutAttrName; what a program's threads run (and
// how its shared tiles are laid out) follows from that one layout. Asked by the GPU lowering and by the shared-memory
// measure of a configuration.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_ANALYSIS_PROGRAMLAYOUT_H
#define MODA_DIALECT_MODATILE_ANALYSIS_PROGRAMLAYOUT_H

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::moda::tile {

/// The attribute of a tile program without products that holds its layout.
inline constexpr StringLiteral kProgramLayoutAttrName = "moda_tile.layout";

/// The one layout all products of `program` carry, or that a program
/// without products carries itself; an error on the product without a
/// layout or with a second one, or on a program with neither.
FailureOr<LayoutAttr> getProgramLayout(func::FuncOp program);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_ANALYSIS_PROGRAMLAYOUT_H
