//===- TileOpsToLinalg.h - moda_tile ops as host tensor code ----*- C++ -*-===//

#ifndef MODA_LIB_CONVERSION_MODATILETOHOST_TILEOPSTOLINALG_H
#define MODA_LIB_CONVERSION_MODATILETOHOST_TILEOPSTOLINALG_H

#include "mlir/IR/PatternMatch.h"

namespace mlir::moda {

/// Patterns that rewrite the tile ops of a program body (all but
/// program_id and launch) into tensor code for the host: linalg.generic for
/// the tile arithmetic, row loops of vector loads and stores for the memory
/// ops, the visibility rule expanded from Visibility.cpp.
void populateTileOpsToLinalgPatterns(RewritePatternSet &patterns);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_MODATILETOHOST_TILEOPSTOLINALG_H
