//===- WarpgroupMma.h - warpgroup MMA (wgmma) instructions ------*- C++ -*-===//
//
// The pieces of sm_90a's warpgroup-level MMA, written once for every kernel
// that runs one: shared-memory matrix descriptors for tiles stored in 128-byte
// swizzled rows, and wgmma.mma_async with A in registers or in shared
// memory. The NVVM dialect's nvvm.wgmma.mma_async takes A from shared memory
// only; the attention's P operand is the softmax's registers, so the
// instruction is emitted here.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_NVVMPRIMITIVES_WARPGROUPMMA_H
#define MODA_LIB_CONVERSION_NVVMPRIMITIVES_WARPGROUPMMA_H

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::moda {

/// Bytes of one swizzled shared row, and of the eight-row period of the
/// 128-byte swizzle (16-byte chunk c of row r stored at chunk c ^ (r mod 8)).
inline constexpr int64_t kSwizzleRowBytes = 128;
inline constexpr int64_t kSwizzleAtomBytes = 8 * kSwizzleRowBytes;

/// The 64-bit shared-memory matrix descriptor of a wgmma operand whose
/// 128-byte rows are swizzled in 1024-byte atoms (the atom must start on a
/// 1024-byte boundary; the start address may sit inside the first row, at
/// the k-slice the instruction reads). `sharedAddress` is the i64 byte
/// address in the shared window. `leadingByteOffset`: the distance between
/// 64-element panels along the MN dimension (N-major operands wider than 64
/// elements); `strideByteOffset`: between groups of eight rows.
Value buildSwizzledMatrixDescriptor(ImplicitLocOpBuilder &b,
                                    Value sharedAddress,
                                    int64_t leadingByteOffset,
                                    int64_t strideByteOffset);

/// 16-bit pairs (vector<2 x bf16|f16>) as the b32 registers wgmma's
/// register A operand takes.
SmallVector<Value> buildOperandWords(ImplicitLocOpBuilder &b,
                                     ArrayRef<Value> pairs);

/// wgmma.mma_async.sync.aligned.m64nNk16.f32 with bf16/f16 operands, A from
/// registers (`a`: four b32 registers of the warp's 16 x 16 slice, the
/// mma.m16n8k16 A layout) or from shared memory (`a`: one descriptor,
/// K-major, or M-major when `transposeA`), B from shared memory
/// (`bDescriptor`; K-major, or N-major when `transposeB`), N = 2 x
/// accumulators.size(). Returns the accumulators as written once the group
/// completes (wgmma.wait_group); with `accumulate` false the old values are
/// ignored (D = A B).
SmallVector<Value> buildWarpgroupMma(ImplicitLocOpBuilder &b, Type elementType,
                                     ArrayRef<Value> a, Value bDescriptor,
                                     ArrayRef<Value> accumulators,
                                     bool transposeB, bool accumulate,
                                     bool transposeA = false);

/// wgmma.wait_group.sync.aligned `pending`: every wgmma group but the
/// `pending` most recently committed has completed. Returns `accumulators`
/// (f32 registers of those groups' products) as read after the wait: they
/// pass through the instruction, so no read of them can be scheduled above
/// it. `heldOperands` (b32 registers of those products' A fragments) pass
/// through too: a wgmma reads its A registers while it runs, so they must
/// keep their values, unreused, until the wait.
SmallVector<Value> buildWarpgroupWait(ImplicitLocOpBuilder &b,
                                      int64_t pending,
                                      ArrayRef<Value> accumulators,
                                      ArrayRef<Value> heldOperands = {});

} // namespace mlir::moda

#endif // MODA_LIB_CONVERSION_NVVMPRIMITIVES_WARPGROUPMMA_H
