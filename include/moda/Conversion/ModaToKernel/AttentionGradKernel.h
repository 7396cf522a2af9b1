//===- AttentionGradKernel.h - the interface of the backward ----*- C++ -*-===//
//
// What a compiled moda.attention_grad and its callers agree on, like the
// forward's AttentionKernel.h: the backward runs as up to three kernels (tile
// programs, lib/Conversion/ModaToTile/AttentionGradToTile.cpp), in order:
//
//   dq      per block of block_m folded query rows (grid like the forward's):
//           per row Delta = <d_out, out> (written to the f32 scratch `delta`)
//           and dq over the row's visible sequence keys and depth entries,
//           with p = exp(scale <q, key> - lse);
//   dkv     per block of block_m sequence keys, over the folded query rows
//           that see them: dk, dv;
//   d_depth per block of block_m (position, entry) pairs of the depth
//           stream, over the rows that see them: d_depth_k, d_depth_v.
//
// Every gradient element has one owner block: no atomics. The launcher runs
// the kernels in this order (dkv and d_depth read `delta`).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_CONVERSION_MODATOKERNEL_ATTENTIONGRADKERNEL_H
#define MODA_CONVERSION_MODATOKERNEL_ATTENTIONGRADKERNEL_H

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"

namespace mlir::moda {

/// The three kernels of the backward, in launch order.
enum class GradKernelKind { DQ, DKV, DDepth };

/// "dq", "dkv", "d_depth".
StringRef getGradKernelSuffix(GradKernelKind kind);

/// The GPU kernel `kind` of the backward `name`: `<name>_<suffix>`.
std::string getGradKernelName(StringRef name, GradKernelKind kind);

/// Reads the spec of a moda.attention_grad (the same fields as the
/// forward's), reporting on `op` why it cannot be compiled: its kernels run
/// the forward's tiles, so the forward's configuration rules hold.
FailureOr<AttentionKernelSpec> getAttentionGradSpec(AttentionGradOp op);

/// The kernels the backward of `spec` needs, in launch order: dq always, dkv
/// with a sequence part, d_depth with a depth part.
SmallVector<GradKernelKind> getGradKernels(const AttentionKernelSpec &spec);

/// The tensors of the backward's ABI, in kernel argument order: q, [k, v],
/// [depth_k, depth_v], out, lse, d_out, dq, [dk, dv],
/// [d_depth_k, d_depth_v], [cu_seqlens], delta (scratch). Every kernel of
/// the backward takes all of them, then the sizes B, T, S, L (and N,
/// packed).
SmallVector<StringRef> getGradTensorNames(const AttentionKernelSpec &spec);

/// The argument types of every backward kernel: memref<?xT> per tensor
/// (memref<?xf32> for lse and delta, memref<?xi32> for cu_seqlens), then
/// the index sizes, then the strides of the tensors taken as views.
SmallVector<Type> getGradKernelArgumentTypes(const AttentionKernelSpec &spec);

/// The tensors the backward adds to the forward's.
struct GradTensors {
  Value dOut, delta, dq, dk, dv, dDepthK, dDepthV;
};

/// A backward kernel's arguments: the forward's (its tensors and sizes) and
/// the backward's own tensors.
struct AttentionGradArgs : AttentionKernelArgs, GradTensors {};

AttentionGradArgs getGradKernelArgs(const AttentionKernelSpec &spec,
                                    ValueRange arguments);

/// The kernels' arguments for a launcher's (getGradLauncherArgumentTypes):
/// the same, with the scratch `delta` (lse's shape, f32, flat) that
/// `allocate` makes for its element count inserted before the sizes.
SmallVector<Value> buildGradKernelArguments(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    ValueRange launcherArguments,
    function_ref<Value(MemRefType type, Value elements)> allocate);

/// The grid of kernel `kind`, each block owning block_m rows, keys or depth
/// entries: dq (ceil(T G / block_m), Hk, B), dkv (ceil(S / block_m), Hk,
/// B), d_depth (ceil(T L / block_m), Hk, B). Launchers and manifests read
/// it from the kernels' ABI.
SmallVector<SizeExpr, 3> getGradGrid(const AttentionKernelSpec &spec,
                                     GradKernelKind kind);

/// The ABI of the backward of `op` (the `moda.kernel_abi` of each of its
/// kernels, the manifest of them all): op = attention_grad, the tensors of
/// getGradTensorNames with their roles, and a launch per kernel of
/// getGradKernels, named getGradKernelName(name, kind), with its grid, its
/// threads and the gradients it writes (dynamic shared memory 0 until the
/// GPU lowering plans each program's tiles).
KernelAbiAttr describeGradKernels(const AttentionKernelSpec &spec,
                                  AttentionGradOp op, StringRef name);

/// Builds the kernels of the backward `op` under `name` and returns the
/// launcher: a function taking the ABI's tensors without `delta`, then the
/// sizes, that allocates `delta` and runs the kernels in order.
using GradKernelBuilder = function_ref<func::FuncOp(
    StringRef name, const AttentionKernelSpec &spec, AttentionGradOp op)>;

/// Lowers every moda.attention_grad of `module` (kernels named
/// `moda_attention_grad_<n>`), replacing each by a call of its launcher on
/// flat buffers. Fails with the operator's diagnostic.
LogicalResult lowerAttentionGrads(ModuleOp module,
                                  GradKernelBuilder buildKernels);

/// The launcher's argument types: the ABI tensors without delta, the sizes.
SmallVector<Type> getGradLauncherArgumentTypes(const AttentionKernelSpec &spec);

} // namespace mlir::moda

#endif // MODA_CONVERSION_MODATOKERNEL_ATTENTIONGRADKERNEL_H
