//===- AttentionGradKernel.h - the MoDA backward kernels --------*- C++ -*-===//
//
// The backward of moda.attention (moda.attention_grad) as three SIMT kernels,
// written once against the ExecutionModel of AttentionKernel.h, like the
// forward, so that the CPU path runs the very loops the GPU runs:
//
//   dq      per block of block_m folded query rows (grid like the forward's):
//           per row Delta = <d_out, out> (written to the f32 scratch `delta`
//           [B, Hq, T]) and dq over the row's visible sequence keys and
//           depth window, with p = exp(scale <q, key> - lse);
//   dkv     per block of num_warps * 32 sequence keys, one key per thread,
//           looping over the folded rows that see it (causal bound), in
//           row tiles of block_n rows staged in shared memory: dk, dv;
//   d_depth per block of num_warps * 32 (position, entry) pairs of the depth
//           stream, one pair per thread, looping over the rows that see it
//           (per position: the G rows of its position; chunk: the rows of
//           its position up to the end of its chunk): d_depth_k, d_depth_v.
//
// Every gradient element has one owner thread: no atomics. The launcher runs
// the three kernels in this order (dkv and d_depth read `delta`). On the GPU
// with mma = wgmma, dq and dkv run on tensor cores instead, and the dq kernel
// may take over d_depth's work (fusesDepthGradsIntoDq).
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
/// forward's), reporting on `op` why it cannot be compiled. The backward
/// kernels are SIMT: they use block_m, block_n, block_depth and num_warps of
/// the configuration.
FailureOr<AttentionKernelSpec> getAttentionGradSpec(AttentionGradOp op);

/// The kernels the backward of `spec` needs, in launch order: dq always, dkv
/// with a sequence part, d_depth with a depth part unless (`onGPU`) the
/// tensor-core dq kernel computes the depth gradients itself
/// (fusesDepthGradsIntoDq).
SmallVector<GradKernelKind> getGradKernels(const AttentionKernelSpec &spec,
                                           bool onGPU);

/// The tensors of the backward's ABI, in kernel argument order: q, [k, v],
/// [depth_k, depth_v], out, lse, d_out, dq, [dk, dv],
/// [d_depth_k, d_depth_v], [cu_seqlens], delta (scratch). Every kernel of
/// the backward takes all of them, then the sizes B, T, S, L (and N,
/// packed).
SmallVector<StringRef> getGradTensorNames(const AttentionKernelSpec &spec);

/// The argument types of every backward kernel: memref<?xT> per tensor
/// (memref<?xf32> for lse and delta, memref<?xi32> for cu_seqlens), then
/// the index sizes.
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

/// An execution model of the backward's kernels: in dkv and d_depth a key or
/// depth entry may be split over `getLanes()` consecutive threads ("lanes"),
/// each holding D / lanes of its columns (fewer registers per thread), whose
/// partial dot products are summed across the lanes.
class GradExecutionModel : public ExecutionModel {
public:
  /// Lanes per key / depth entry (1 on the host).
  virtual int64_t getLanes() const = 0;
  /// The sum of `value` over the lanes of the calling thread's group. Every
  /// thread of a warp calls it together (the kernels keep these loops
  /// uniform).
  virtual Value sumOverLanes(ImplicitLocOpBuilder &b, Value value) = 0;
};

/// Lanes per key / depth entry on the GPU: 1 for D < 64, 2 for D = 64, 4 for
/// D >= 128 (D / lanes a multiple of the 16-byte vector).
int64_t getGradGPULanes(const AttentionKernelSpec &spec);

/// Keys (dkv) or depth entries (d_depth) one block owns with `lanes` threads
/// each: num_warps * 32 / lanes.
int64_t getGradBlockSlots(const AttentionKernelSpec &spec, int64_t lanes);

/// The shared tiles kernel `kind` needs, in ExecutionModel::getSharedTile
/// order (dq: the forward's four; dkv: q rows, d_out rows, lse, delta;
/// d_depth: none).
SmallVector<MemRefType> getGradSharedTileTypes(const AttentionKernelSpec &spec,
                                               GradKernelKind kind,
                                               Attribute memorySpace);

/// The dq kernel on tensor cores (config mma = wgmma, GPU only): the
/// forward's tensor-core block (AttentionMmaBlock.cpp) with the gradient's
/// tensors. Per step of key and depth tiles it recomputes P = exp2(S c -
/// lse), computes dP = dO V^T, dS = P (dP - Delta) and dQ += dS K; Delta =
/// <dO, O> is computed per row first and written to the `delta` scratch for
/// the dkv and d_depth kernels.
void buildAttentionMmaQueryGradBlock(ImplicitLocOpBuilder &b,
                                     const AttentionKernelSpec &spec,
                                     const AttentionKernelArgs &args,
                                     const GradTensors &grad);

/// The dkv kernel on tensor cores (GPU only, where usesTensorCoreDkv): the
/// same block with the roles turned: block_m keys per block (64 per
/// warpgroup) against tiles of block_n folded query rows (their Q and dO
/// rows staged like key tiles): S^T = K Q^T and dP^T = V dO^T, P^T =
/// exp2(S^T c - lse), dV += P^T dO, dS^T = P^T (dP^T - Delta), dK += dS^T Q.
void buildAttentionMmaKeyGradBlock(ImplicitLocOpBuilder &b,
                                   const AttentionKernelSpec &spec,
                                   const AttentionKernelArgs &args,
                                   const GradTensors &grad);

/// Dynamic shared memory of the tensor-core dq kernel: the forward's tiles,
/// a d_out tile of block_m rows and, where it computes the depth gradients,
/// the P and dS tiles of block_m rows x block_depth entries.
int64_t getTensorCoreDqSharedMemoryBytes(const AttentionKernelSpec &spec);

/// Whether the tensor-core dq kernel also computes d_depth_k and d_depth_v
/// (GPU only; the d_depth kernel is then not built): an entry of a depth tile
/// is seen by the G rows of its own position only (per-position or
/// depth-only visibility), G divides the warpgroup's 64 rows (so those rows
/// are one warpgroup's, the entry's one owner: no atomics), and the P and
/// dS tiles fit the shared memory. Per depth tile the warpgroup stores P and
/// dS (bf16/f16) to shared memory and computes d_depth_v = P^T dO and
/// d_depth_k = scale dS^T Q with wgmma, A transposed from shared memory.
bool fusesDepthGradsIntoDq(const AttentionKernelSpec &spec);

/// Dynamic shared memory of the tensor-core dkv kernel: K and V tiles of
/// block_m keys, num_stages buffers of block_n Q and dO rows and of their
/// lse and Delta (f32), the alignment slack.
int64_t getTensorCoreDkvSharedMemoryBytes(const AttentionKernelSpec &spec);

/// Whether the backward's dq kernel runs on tensor cores (mma = wgmma).
inline bool usesTensorCoreDq(const AttentionKernelSpec &spec) {
  return spec.config.getMma() == MmaKind::Wgmma;
}

/// Whether the backward's dkv kernel runs on tensor cores: mma = wgmma with
/// a sequence part.
inline bool usesTensorCoreDkv(const AttentionKernelSpec &spec) {
  return spec.config.getMma() == MmaKind::Wgmma && spec.hasSequence;
}

/// Whether kernel `kind` of the backward runs on tensor cores.
inline bool usesTensorCores(const AttentionKernelSpec &spec,
                            GradKernelKind kind) {
  return (kind == GradKernelKind::DQ && usesTensorCoreDq(spec)) ||
         (kind == GradKernelKind::DKV && usesTensorCoreDkv(spec));
}

/// Emits one thread block of kernel `kind`.
void buildAttentionGradBlock(ImplicitLocOpBuilder &b,
                             const AttentionKernelSpec &spec,
                             GradKernelKind kind, const AttentionGradArgs &args,
                             GradExecutionModel &model);

/// The grid of kernel `kind` whose key-side blocks hold `keysPerBlock` keys
/// or depth entries: dq (ceil(T G / block_m), Hk, B), dkv
/// (ceil(S / keysPerBlock), Hk, B), d_depth (ceil(T L / keysPerBlock), Hk,
/// B). The block builders' blocks hold getGradBlockSlots(spec, lanes), the
/// tile programs' block_m. Launchers and manifests read it from the
/// kernels' ABI.
SmallVector<SizeExpr, 3> getGradGrid(const AttentionKernelSpec &spec,
                                     GradKernelKind kind,
                                     int64_t keysPerBlock);

/// The ABI of the backward of `op` (the `moda.kernel_abi` of each of its
/// kernels, the manifest of them all): op = attention_grad, the tensors of
/// getGradTensorNames with their roles, and a launch per kernel of
/// getGradKernels(spec, onGPU), named `kernelName(kind)`, with its grid for
/// the lanes of the GPU (`onGPU`) or of the host (1), its threads, its
/// dynamic shared memory and the gradients it writes.
KernelAbiAttr
describeGradKernels(const AttentionKernelSpec &spec, AttentionGradOp op,
                    bool onGPU,
                    function_ref<std::string(GradKernelKind)> kernelName);

/// Builds the kernels of the backward `op` under `name` and returns the
/// launcher: a function taking the ABI's tensors without `delta`, then the
/// sizes, that allocates `delta` and runs the kernels in order.
using GradKernelBuilder = function_ref<func::FuncOp(
    StringRef name, const AttentionKernelSpec &spec, AttentionGradOp op)>;

/// Reads and judges the spec of a backward for one kind of kernels
/// (getAttentionGradSpec for the block builders').
using GradSpecReader =
    function_ref<FailureOr<AttentionKernelSpec>(AttentionGradOp op)>;

/// Lowers every moda.attention_grad of `module` whose configuration names
/// `lowering` (kernels named `moda_attention_grad_<n>`), replacing each by a
/// call of its launcher on flat buffers. Fails with the operator's
/// diagnostic.
LogicalResult lowerAttentionGrads(ModuleOp module, KernelLowering lowering,
                                  GradSpecReader readSpec,
                                  GradKernelBuilder buildKernels);

/// The launcher's argument types: the ABI tensors without delta, the sizes.
SmallVector<Type> getGradLauncherArgumentTypes(const AttentionKernelSpec &spec);

/// The GPU backward: a gpu.module `<name>_module` with the kernels
/// `<name>_dq`, `<name>_dkv`, `<name>_d_depth` and a launcher `<name>_launch`
/// (gpu.alloc of delta, gpu.launch_func of each kernel, gpu.dealloc).
/// Implemented in lib/Conversion/ModaToGPU.
LogicalResult lowerAttentionGradsToGPU(ModuleOp module);

/// The host backward: block functions `<name>_<kernel>_block` and a launcher
/// that allocates delta and loops over each kernel's grid in order.
/// Implemented in lib/Conversion/ModaToHost.
LogicalResult lowerAttentionGradsToHost(ModuleOp module);

} // namespace mlir::moda

#endif // MODA_CONVERSION_MODATOKERNEL_ATTENTIONGRADKERNEL_H
