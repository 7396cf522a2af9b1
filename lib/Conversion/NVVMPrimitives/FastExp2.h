//===- FastExp2.h - the softmax's exp2 as one MUFU.EX2 ----------*- C++ -*-===//
//
// The GPU form of exp2 on f32 that every kernel's softmax uses: the
// flush-to-zero ex2.approx, one MUFU.EX2 per element. Without .ftz, ptxas
// wraps each MUFU.EX2 in a compare and two multiplies that keep denormal
// results; a softmax weight below 2^-126 does not move a bf16/f16 output
// nor an f32 gradient sum, so those instructions buy nothing.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_NVVMPRIMITIVES_FASTEXP2_H
#define MODA_LIB_CONVERSION_NVVMPRIMITIVES_FASTEXP2_H

#include "mlir/IR/Builders.h"

namespace mlir {
class Operation;
} // namespace mlir

namespace mlir::moda {

/// exp2(x) for x an f32 or a vector of f32, elementwise, flushing denormal
/// results to zero.
Value buildFlushToZeroExp2(OpBuilder &b, Location loc, Value x);

/// Every math.exp2 on f32 (or vectors of f32) under `root` rewritten to
/// buildFlushToZeroExp2: the shared softmax arithmetic builds math.exp2,
/// which the GPU lowerings then take to the fast form.
void useFlushToZeroExp2(Operation *root);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_NVVMPRIMITIVES_FASTEXP2_H
