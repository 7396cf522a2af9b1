//===- WarpMma.h - warp-level tensor-core primitives ------------*- C++ -*-===//
//
// The pieces of a warp's m16n8k16 tensor-core product (sm_80+), written once
// for every kernel that runs one: the mma.sync itself, ldmatrix from shared
// memory, packing f32 pairs into the 16-bit operand registers, and the
// reduction across the four lanes that share an accumulator row.
//
// The m16n8 accumulator layout: lane `l` holds rows l / 4 and l / 4 + 8,
// columns 2 * (l % 4) + {0, 1} of the 16 x 8 tile (registers 0, 1 on the
// first row, 2, 3 on the second). Two adjacent n-tiles of it, as 16-bit
// pairs, are exactly an m16k16 A operand.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_NVVMPRIMITIVES_WARPMMA_H
#define MODA_LIB_CONVERSION_NVVMPRIMITIVES_WARPMMA_H

#include "mlir/IR/Builders.h"

namespace mlir::moda {

/// Rows, columns and reduction depth of one warp-level tensor-core product.
inline constexpr int64_t kMmaM = 16, kMmaN = 8, kMmaK = 16;

/// d = a * b + c for one m16n8k16 tile: `a` four registers (16-bit pairs,
/// vector<2xbf16|f16>), `b` two, `c` four f32. `elementType` is bf16 or f16.
SmallVector<Value, 4> buildWarpMma(OpBuilder &b, Location loc,
                                   Type elementType, ArrayRef<Value> a,
                                   ArrayRef<Value> bOperand, ArrayRef<Value> c);

/// ldmatrix .x4 from the shared `tile` at `indices` (this lane's row of 16
/// bytes): four 8 x 8 matrices, each returned as the lane's 16-bit pair;
/// `transpose` reads them transposed (.trans).
SmallVector<Value, 4> buildLoadMatrixX4(OpBuilder &b, Location loc,
                                        Type elementType, Value tile,
                                        ValueRange indices, bool transpose);

/// The pair (lo, hi) of f32 as a vector<2 x elementType>.
Value buildPackedPair(OpBuilder &b, Location loc, Type elementType, Value lo,
                      Value hi);

/// `v` combined (max or sum) across the four lanes of its accumulator row.
Value buildQuadReduce(OpBuilder &b, Location loc, Value v, bool isMax);

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_NVVMPRIMITIVES_WARPMMA_H
