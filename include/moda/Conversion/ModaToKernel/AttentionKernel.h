//===- AttentionKernel.h - the interface of the forward kernel --*- C++ -*-===//
//
// What a compiled moda.attention and its callers agree on: the spec the
// kernel is specialized on, its arguments, its ABI (tensors, sizes, grid)
// and the replacement of the operator by a call of its launcher. The kernel
// itself is a tile program (lib/Conversion/ModaToTile), lowered to the GPU
// or the host by the later stages.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_CONVERSION_MODATOKERNEL_ATTENTIONKERNEL_H
#define MODA_CONVERSION_MODATOKERNEL_ATTENTIONKERNEL_H

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

#include <cmath>

namespace mlir::moda {

/// Everything the kernel is specialized on: the static part of one
/// moda.attention. Runtime sizes (B, T, S, L) are kernel arguments.
struct AttentionKernelSpec {
  Type elementType;
  int64_t numQueryHeads = 0;
  int64_t numKVHeads = 0;
  int64_t groupSize = 0;
  int64_t headDim = 0;
  bool causal = false;
  DepthVisibility visibility = DepthVisibility::PerPosition;
  int64_t chunkSize = 0;
  double scale = 0.0;
  bool hasSequence = false;
  bool hasDepth = false;
  /// The kernels take their operands as views (the operator's `strided`).
  bool takesViews = false;
  /// The tensors hold packed sequences (the operator's `packed`): the
  /// kernels take the sequences' offsets and a fifth size, the tokens N.
  bool packed = false;
  /// The sequence keys and values live in pages (the operator's `paged`):
  /// the kernels take the block table, `tableWidth` pages per batch entry,
  /// and, as the fifth size N, the pages of the pool, of `pageSize` keys.
  bool paged = false;
  int64_t pageSize = 0, tableWidth = 0;
  /// Whether the kernels take a fifth size N: the tokens of packed
  /// sequences, or the pages of a paged KV cache.
  bool takesFifthSize() const { return packed || paged; }
  KernelConfigAttr config;
  /// Blocks that share one block of query rows' sequence keys (the
  /// configuration's kv_splits): above 1, a split program leaves each
  /// share's partial result in the scratch tensors partial_out and
  /// partial_lse, and a merge program combines them into out and lse.
  int64_t kvSplits = 1;
  bool splitsKeys() const { return kvSplits > 1; }

  /// Reads the spec of `op`, reporting on `op` why it cannot be compiled
  /// (no configuration attached, a configuration the target cannot run).
  static FailureOr<AttentionKernelSpec> get(AttentionOp op);

  /// The fields a moda.attention or moda.attention_grad fixes, without
  /// judging its configuration; fails (reported on `op`) when none is
  /// attached.
  template <typename OpTy> static FailureOr<AttentionKernelSpec> read(OpTy op) {
    AttentionKernelSpec spec;
    spec.config = op.getConfigAttr();
    if (!spec.config)
      return op.emitOpError("has no kernel configuration; run "
                            "-moda-select-kernel-config before lowering");
    spec.elementType = op.getQ().getType().getElementType();
    spec.numQueryHeads = op.getNumQueryHeads();
    spec.numKVHeads = op.getNumKVHeads();
    spec.groupSize = op.getGroupSize();
    spec.headDim = op.getHeadDim();
    spec.causal = op.getCausal();
    spec.visibility = op.getVisibility();
    spec.chunkSize =
        op.getChunkSizeAttr() ? op.getChunkSizeAttr().getInt() : 0;
    spec.scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(double(spec.headDim));
    spec.hasSequence = bool(op.getK());
    spec.hasDepth = bool(op.getDepthK());
    spec.takesViews = op.getStrided();
    spec.packed = op.isPacked();
    if constexpr (std::is_same_v<OpTy, AttentionOp>) {
      if (op.isPaged()) {
        spec.paged = true;
        spec.pageSize = op.getPageSize();
        spec.tableWidth = op.getBlockTable().getType().getDimSize(1);
      }
    }
    spec.kvSplits = spec.config.getKvSplits();
    return spec;
  }

  int64_t getNumThreads() const { return config.getNumWarps() * 32; }

  /// The names of the tensor arguments present, in kernel argument order:
  /// q, [k, v], [depth_k, depth_v], out, lse, [cu_seqlens], [block_table],
  /// and, splitting keys, the scratch [partial_out, partial_lse].
  SmallVector<StringRef> getTensorNames() const;

  /// The ABI of the forward kernel `kernelName` compiled from `op` (the
  /// `moda.kernel_abi` of its kernel function, its manifest): the spec, the
  /// sizes the types of `op` fix, the tensors, the launches (their dynamic
  /// shared memory 0 until the GPU lowering plans the programs' tiles): one,
  /// or, splitting keys, the split program `kernelName` and the merge
  /// program getMergeKernelName(kernelName).
  KernelAbiAttr describe(AttentionOp op, StringRef kernelName) const;
};

/// The kernel's arguments: one flat buffer (memref<?xT>) per tensor in the
/// order of getTensorNames(), then the sizes B, T, S, L (index) and, packed,
/// N, then the strides of the tensors the kernel takes as views
/// (takesStrides), in the same order, each tensor's outermost dimension
/// first. Packed: B is the number of sequences, T (and S) the longest's
/// length as the caller bounds it (max_seqlen), N the tokens.
struct AttentionKernelArgs {
  Value q, k, v, depthK, depthV, out, lse;
  /// Split-KV's scratch (f32): each share's normalized output,
  /// [kv_splits, B, T, Hq, D], and log-sum-exp, [kv_splits, B, Hq, T]; or
  /// null.
  Value partialOut, partialLse;
  /// The offsets of packed sequences (memref<?xi32>), or null.
  Value cuSeqlens;
  /// The block table of a paged KV cache (memref<?xi32>), or null.
  Value blockTable;
  Value batch, queries, keys, depth;
  /// N, the tokens of packed sequences or the pages of a paged KV cache,
  /// or null.
  Value tokens;
  /// A view's strides (all but the innermost), by its buffer.
  DenseMap<Value, SmallVector<Value, 4>> strides;

  /// Binds the kernel's size arguments B, T, S, L (and N, packed or paged).
  void bindSizes(ArrayRef<Value> sizes) {
    std::tie(batch, queries, keys, depth) =
        std::tie(sizes[0], sizes[1], sizes[2], sizes[3]);
    if (sizes.size() > 4)
      tokens = sizes[4];
  }
  /// B, T, S, L (and N, packed or paged), as a grid of the ABI is evaluated
  /// on them.
  SmallVector<Value, 5> getSizes() const {
    SmallVector<Value, 5> sizes = {batch, queries, keys, depth};
    if (tokens)
      sizes.push_back(tokens);
    return sizes;
  }
};

/// Argument types of a kernel over the tensors `tensorNames`, in that order
/// (memref<?xf32> for the f32 tensors "lse" and "delta", memref<?xi32> for
/// "cu_seqlens" and "block_table", memref<?xT> for the others), then the
/// sizes B, T, S, L (index) and, packed or paged, N. Forward and backward kernels share this
/// convention.
SmallVector<Type> getArgumentTypes(const AttentionKernelSpec &spec,
                                   ArrayRef<StringRef> tensorNames);

/// Hands a kernel's tensor arguments to `bind(name, value)` in the order of
/// `tensorNames` and returns the sizes B, T, S, L (and N, for a packed
/// `spec`) that follow them. Block arguments after the sizes (a gpu.func's
/// workgroup attributions) are not arguments of the kernel and are left
/// alone.
SmallVector<Value, 5> bindArguments(const AttentionKernelSpec &spec,
                                    ArrayRef<StringRef> tensorNames,
                                    ValueRange arguments,
                                    function_ref<void(StringRef, Value)> bind);

/// The number of size arguments of the kernels of `spec`: B, T, S, L and,
/// packed or paged, N.
unsigned getNumSizeArguments(const AttentionKernelSpec &spec);

/// The types of the forward kernel's arguments (see AttentionKernelArgs).
SmallVector<Type> getKernelArgumentTypes(const AttentionKernelSpec &spec);

/// The types of the arguments a caller of the forward passes to its launcher:
/// its tensors' buffers (contiguous, scratch left out: the launcher
/// allocates it) and the sizes, not their strides.
SmallVector<Type> getLauncherArgumentTypes(const AttentionKernelSpec &spec);

/// Splits a kernel's block arguments into named arguments.
/// The field of `args` that holds the forward's tensor `name` (q, k, v,
/// depth_k, depth_v, out, lse), or null for any other name.
Value *getForwardTensorField(AttentionKernelArgs &args, StringRef name);

AttentionKernelArgs getKernelArgs(const AttentionKernelSpec &spec,
                                  ValueRange arguments);

/// The grid of the forward kernel, (ceil(T * G / block_m), Hk, B): a block
/// per block_m folded query rows of one key/value head of one batch entry.
/// The backward's dq kernel and split-KV's merge share it. Launchers and
/// manifests read it from the kernel's ABI.
SmallVector<SizeExpr, 3> getForwardGrid(const AttentionKernelSpec &spec);

/// The grid of split-KV's split program, (ceil(T * G / block_m),
/// Hk * kv_splits, B): block y = split * Hk + head.
SmallVector<SizeExpr, 3> getSplitKeysGrid(const AttentionKernelSpec &spec);

/// The name of the merge program of split-KV kernel `kernelName`.
std::string getMergeKernelName(StringRef kernelName);

/// Whether tensor `name` of a kernel ABI is scratch: allocated by the
/// launcher (or the caller of the kernels), its contents neither read before
/// the call nor kept after it (the backward's delta, split-KV's partials).
bool isScratchTensor(StringRef name);

/// `arguments` (a launcher's: its tensors without scratch, then the sizes)
/// with a buffer from `allocate(type, elements)` for each scratch tensor of
/// `tensorNames` inserted in its place (scratch tensors come last among the
/// tensors).
SmallVector<Value> insertScratchBuffers(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    ArrayRef<StringRef> tensorNames, ValueRange arguments,
    function_ref<Value(MemRefType type, Value elements)> allocate);

/// Whether the kernels compiled for `spec` take tensor `name` as a view, its
/// strides kernel arguments: every tensor but the row statistics (lse,
/// delta, the offsets cu_seqlens, the block table) of an operator that asks for views
/// (`strided`: q, k, v may be views of one fused projection, depth the first
/// L slots of a stream buffer, out and the gradients views to write into). Other kernels take contiguous tensors, their strides constants.
bool takesStrides(const AttentionKernelSpec &spec, StringRef name);

/// The tensor `name` of a forward or backward kernel's ABI with `role`: its
/// element type (getAbiElementType) and framework layout, contiguous or,
/// where the kernels take it as a view (takesStrides), with dynamic strides.
AbiTensorAttr getAbiTensor(const AttentionKernelSpec &spec, StringRef name,
                           AbiTensorRole role);

/// The number of strides the kernels take for tensor `name` (its ABI's
/// getNumStrideArguments: 0 for a contiguous tensor).
int64_t getNumStrideArguments(const AttentionKernelSpec &spec, StringRef name);

/// Binds the strides that follow the sizes in a kernel's `arguments` (after
/// `numTensors` buffers and four sizes) to the buffers of the views among
/// `tensorNames`, in `args.strides`; `buffer(name)` gives a tensor's buffer.
void bindStrideArguments(const AttentionKernelSpec &spec,
                         ArrayRef<StringRef> tensorNames, ValueRange arguments,
                         function_ref<Value(StringRef)> buffer,
                         AttentionKernelArgs &args);

/// The value of `expr` (a formula, not ?) for the runtime sizes B, T, S, L
/// (and N).
Value buildSize(ImplicitLocOpBuilder &b, const SizeExpr &expr,
                ArrayRef<Value> sizes);

/// The strides a caller of contiguous tensors passes to kernels with ABI
/// `abi`: for each tensor with dynamic strides, in order, the contiguous
/// strides of its shape (all but the innermost) for the sizes B, T, S, L.
SmallVector<Value> buildContiguousStrideArguments(ImplicitLocOpBuilder &b,
                                                  KernelAbiAttr abi,
                                                  ArrayRef<Value> sizes);

/// The element type of the ABI's tensor `name`: f32 for the row statistics
/// `lse` and `delta`, the operator's element type for the others.
Type getAbiElementType(const AttentionKernelSpec &spec, StringRef name);

/// The sizes B, T, S, L the types of an operator's q, k and depth_k fix
/// (ShapedType::kDynamic where a call gives them; 0 for an absent operand).
/// Packed (`spec.packed`): B the sequences (cu_seqlens's extent less one),
/// T and S dynamic (max_seqlen), L, and N the tokens.
SmallVector<int64_t, 5> getStaticSizes(const AttentionKernelSpec &spec,
                                       Value q, Value k, Value depthK,
                                       Value cuSeqlens = Value());
/// The sizes of a forward operator `op` (getStaticSizes, and, paged, S
/// dynamic, the keys a call gives, and N the pages of its pool).
SmallVector<int64_t, 5> getStaticSizes(const AttentionKernelSpec &spec,
                                       AttentionOp op);

/// The ABI of the kernels of `spec` compiled from an operator `op` with
/// static sizes `sizes`: tensors `tensorNames` in argument order, `launches`
/// in launch order. A tensor a launch writes is an output, `delta` (the
/// scratch the backward's launcher allocates) is scratch, the others inputs.
KernelAbiAttr getKernelAbi(const AttentionKernelSpec &spec, AbiOperator op,
                           ArrayRef<int64_t> sizes,
                           ArrayRef<StringRef> tensorNames,
                           ArrayRef<AbiLaunchAttr> launches);

/// The values of `launch`'s grid (x, y, z) for the runtime sizes B, T, S, L
/// (and N).
SmallVector<Value, 3> buildGridSize(ImplicitLocOpBuilder &b,
                                    AbiLaunchAttr launch,
                                    ArrayRef<Value> sizes);

/// The launch of `kernel` in the ABI it carries (kKernelAbiAttrName), which
/// the lowering that built it attached.
AbiLaunchAttr getOwnLaunch(Operation *kernel);

/// Builds the kernel named `name` for `op` and returns its launcher.
using KernelBuilder = function_ref<func::FuncOp(
    StringRef name, const AttentionKernelSpec &spec, AttentionOp op)>;

/// Lowers every moda.attention of `module`, in order: reads its spec, lets
/// `buildKernel` make kernel `moda_attention_<n>` and its launcher, and
/// replaces the operator by a call of the launcher. Fails, with the
/// operator's diagnostic, on the first spec that cannot be compiled.
LogicalResult lowerAttentions(ModuleOp module, KernelBuilder buildKernel);

/// The first name `<prefix>_<n>`, n = first, first + 1, ..., whose symbols
/// (`<name>`, `<name>_launch`, `<name>_module`) `module` does not hold yet:
/// an operator's kernels are named after its position among the operators
/// of its type unless a symbol of the module already has that name.
std::string getFreeOperatorName(ModuleOp module, StringRef prefix,
                                int64_t first);

/// Replaces `op` (on tensors) by a call of `launcher` on flat buffers: its
/// inputs become buffers, its results fresh allocations, returned as tensors.
/// The launcher has the kernel's argument types.
void replaceWithLauncherCall(RewriterBase &rewriter, AttentionOp op,
                             const AttentionKernelSpec &spec,
                             func::FuncOp launcher);

} // namespace mlir::moda

#endif // MODA_CONVERSION_MODATOKERNEL_ATTENTIONKERNEL_H
