//===- ModaDialect.h - the moda dialect -------------------------*- C++ -*-===//
//
// The one header users of the dialect include: the dialect, its enums,
// attributes, types and operations.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODA_IR_MODADIALECT_H
#define MODA_DIALECT_MODA_IR_MODADIALECT_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h.inc"
#include "moda/Dialect/Moda/IR/ModaEnums.h.inc"
#include "moda/Dialect/Moda/IR/SizeExpr.h"

namespace mlir::moda {
/// The element types MoDA operators and depth streams accept: bf16, f16, f32.
bool isSupportedElementType(Type type);
/// "bf16", "f16" or "f32": how manifests and tuning databases name them.
StringRef getElementTypeName(Type type);
/// The attribute (a #moda.kernel_abi) of a kernel function or tile program
/// that gives the ABI of the operator it was compiled from: what its launcher
/// launches and what its manifest says.
inline constexpr StringLiteral kKernelAbiAttrName = "moda.kernel_abi";
/// The tensor of a packed operator's kernel ABI that holds the sequences'
/// offsets (moda.attention's `cu_seqlens`, i32).
inline constexpr StringLiteral kCuSeqlensTensorName = "cu_seqlens";
/// The tensor of a paged operator's kernel ABI that maps each batch entry's
/// key pages to pages of the pool (moda.attention's `block_table`, i32).
inline constexpr StringLiteral kBlockTableTensorName = "block_table";
} // namespace mlir::moda

#define GET_ATTRDEF_CLASSES
#include "moda/Dialect/Moda/IR/ModaAttrs.h.inc"

#define GET_TYPEDEF_CLASSES
#include "moda/Dialect/Moda/IR/ModaTypes.h.inc"

#define GET_OP_CLASSES
#include "moda/Dialect/Moda/IR/ModaOps.h.inc"

#endif // MODA_DIALECT_MODA_IR_MODADIALECT_H
