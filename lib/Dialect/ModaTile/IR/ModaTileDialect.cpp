//===- ModaTileDialect.cpp - the moda_tile dialect ------------------------===//

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::moda::tile;

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.cpp.inc"
#include "moda/Dialect/ModaTile/IR/ModaTileEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "moda/Dialect/ModaTile/IR/ModaTileAttrs.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "moda/Dialect/ModaTile/IR/ModaTileTypes.cpp.inc"

void ModaTileDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "moda/Dialect/ModaTile/IR/ModaTileOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "moda/Dialect/ModaTile/IR/ModaTileAttrs.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "moda/Dialect/ModaTile/IR/ModaTileTypes.cpp.inc"
      >();
}

LogicalResult RowsAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               RowKind kind, int64_t heads, int64_t group) {
  if (heads <= 0)
    return emitError() << "heads must be positive, got " << heads;
  if (group <= 0)
    return emitError() << "group must be positive, got " << group;
  bool foldsQueryHeads = kind == RowKind::Query || kind == RowKind::Lse;
  if (!foldsQueryHeads && group != 1)
    return emitError() << "rows of kind '" << stringifyRowKind(kind)
                       << "' have group 1, got " << group;
  if (foldsQueryHeads && heads % group != 0)
    return emitError() << "heads (" << heads
                       << ") must be a multiple of group (" << group << ")";
  return success();
}

LogicalResult
VisibilityAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                       VisiblePart part, bool causal, DepthVisibility depth,
                       int64_t chunkSize) {
  if (part == VisiblePart::Sequence) {
    if (depth != DepthVisibility::PerPosition || chunkSize != 0)
      return emitError()
             << "a sequence visibility takes no depth visibility or chunk size";
    return success();
  }
  if (causal)
    return emitError() << "a depth visibility is not causal: depth entries "
                          "belong to the query's own position";
  if ((depth == DepthVisibility::Chunk) != (chunkSize > 0))
    return emitError() << "chunk_size must be positive exactly when depth = "
                          "chunk, got "
                       << chunkSize;
  return success();
}

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 MmaKind kind, int64_t numWarps) {
  if (numWarps <= 0)
    return emitError() << "num_warps must be positive, got " << numWarps;
  if (kind == MmaKind::Wgmma && numWarps % 4 != 0)
    return emitError() << "a wgmma layout runs on whole warpgroups: "
                          "num_warps must be a multiple of 4, got "
                       << numWarps;
  return success();
}

LogicalResult CopyAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                               CopyKind kind, int64_t stages) {
  if (stages <= 0)
    return emitError() << "stages must be positive, got " << stages;
  if (kind == CopyKind::Vector && stages != 1)
    return emitError() << "vector copies have one buffer (stages = 1), got "
                       << stages;
  return success();
}
