//===- ApproxExp2.h - the hardware's exp2 -----------------------*- C++ -*-===//
//
// exp2 as one MUFU.EX2 per element (ex2.approx.ftz.f32), written once for
// every kernel whose softmax runs in log2 units. The flush-to-zero form
// skips the scaling that keeps denormal results: weights below 2^-126 do
// not move a bf16/f16 output. libdevice's exp2f, which math.exp2 lowers to
// otherwise, is several instructions per element.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_NVVMPRIMITIVES_APPROXEXP2_H
#define MODA_LIB_CONVERSION_NVVMPRIMITIVES_APPROXEXP2_H

#include "mlir/IR/Builders.h"

namespace mlir::moda {

/// exp2 of `x`, an f32 or a 1-D vector of f32, element by element.
Value buildApproxExp2(OpBuilder &b, Location loc, Value x);

/// Replaces every f32 math.exp2 under `root` with buildApproxExp2.
void approximateExp2(Operation *root);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_NVVMPRIMITIVES_APPROXEXP2_H
