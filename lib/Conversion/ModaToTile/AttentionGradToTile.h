//===- AttentionGradToTile.h - moda.attention_grad as tile programs -*- C++ -*-===//

#ifndef MODA_LIB_CONVERSION_MODATOTILE_ATTENTIONGRADTOTILE_H
#define MODA_LIB_CONVERSION_MODATOTILE_ATTENTIONGRADTOTILE_H

#include "mlir/IR/BuiltinOps.h"

namespace mlir::moda {

/// Replaces every moda.attention_grad of `module` by a call of a launcher
/// that runs its tile programs (dq, then dkv and d_depth as the variant
/// needs); part of convert-moda-to-tile.
LogicalResult lowerAttentionGradsToTilePrograms(ModuleOp module);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATOTILE_ATTENTIONGRADTOTILE_H
