//===- ModaDialect.cpp - the moda dialect ---------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::moda;

#include "moda/Dialect/Moda/IR/ModaDialect.cpp.inc"
#include "moda/Dialect/Moda/IR/ModaEnums.cpp.inc"

#define GET_TYPEDEF_CLASSES
#include "moda/Dialect/Moda/IR/ModaTypes.cpp.inc"

void ModaDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "moda/Dialect/Moda/IR/ModaOps.cpp.inc"
      >();
  addTypes<
#define GET_TYPEDEF_LIST
#include "moda/Dialect/Moda/IR/ModaTypes.cpp.inc"
      >();
  registerAttributes();
}

bool mlir::moda::isSupportedElementType(Type type) {
  return type.isBF16() || type.isF16() || type.isF32();
}

StringRef mlir::moda::getElementTypeName(Type type) {
  assert(isSupportedElementType(type) && "not a MoDA element type");
  return type.isBF16() ? "bf16" : type.isF16() ? "f16" : "f32";
}
