//===- LauncherCall.cpp - replace moda.attention by launcher calls --------===//
//
// Where a moda.attention or moda.attention_grad stood on tensors, its
// inputs become flat buffers, its results fresh allocations, and a call
// hands both to the kernels' launcher.
//
//===----------------------------------------------------------------------===//

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace mlir::moda;

/// A dense buffer of any rank, viewed as memref<?xT>.
static Value flatten(ImplicitLocOpBuilder &b, Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  ReassociationIndices all =
      llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
  Value flat = memref::CollapseShapeOp::create(b, buffer,
                                               ArrayRef<ReassociationIndices>{all});
  auto dynamic = MemRefType::get({ShapedType::kDynamic}, type.getElementType());
  return memref::CastOp::create(b, dynamic, flat);
}

/// Whether `tensor` may bufferize to a view that is not dense: a slice of
/// a larger tensor (a depth stream's entries), through casts and reshapes,
/// or a value a region passes (a loop's or a branch's, which may carry one;
/// a function's arguments are dense by the calling convention).
static bool mayBeSlice(Value tensor) {
  while (true) {
    if (auto argument = dyn_cast<BlockArgument>(tensor))
      return !isa<FunctionOpInterface>(argument.getOwner()->getParentOp());
    Operation *op = tensor.getDefiningOp();
    if (isa<tensor::ExtractSliceOp, RegionBranchOpInterface>(op))
      return true;
    if (!isa<tensor::CastOp, tensor::ExpandShapeOp, tensor::CollapseShapeOp>(
            op))
      return false;
    tensor = op->getOperand(0);
  }
}

/// A read-only tensor operand as memref<?xT>.
static Value flatInput(ImplicitLocOpBuilder &b, Value tensor) {
  auto type = cast<RankedTensorType>(tensor.getType());
  // A slice bufferizes to a strided subview, which the identity-layout
  // buffer below would only cast (its dynamic strides are "compatible"),
  // and the flat view would then read the wrong elements: such an operand
  // is first copied into a dense tensor of its own.
  if (mayBeSlice(tensor))
    tensor = bufferization::AllocTensorOp::create(b, type, ValueRange(),
                                                  /*copy=*/tensor);
  Value buffer = bufferization::ToBufferOp::create(
      b, MemRefType::get(type.getShape(), type.getElementType()), tensor,
      /*read_only=*/true);
  return flatten(b, buffer);
}

static Value dimOf(ImplicitLocOpBuilder &b, Value tensor, int64_t dim) {
  return tensor::DimOp::create(b, tensor, dim);
}

/// A fresh buffer of `type`, its dynamic sizes from `dimSize(i)`.
static Value allocate(ImplicitLocOpBuilder &b, RankedTensorType type,
                      function_ref<Value(int64_t)> dimSize) {
  SmallVector<Value> dynamicSizes;
  for (auto [i, size] : llvm::enumerate(type.getShape()))
    if (ShapedType::isDynamic(size))
      dynamicSizes.push_back(dimSize(i));
  return memref::AllocOp::create(
      b, MemRefType::get(type.getShape(), type.getElementType()),
      dynamicSizes);
}

/// The sizes a launcher of `op`'s kernels takes: B, T, S, L from its
/// operands' types (S = 0 without sequence keys, L = 0 without depth);
/// packed, B the sequences (offsets - 1), T and S the bound on their
/// lengths the operator is given (max_seqlen), L, and N the tokens; paged,
/// S the keys it is given (num_keys) and N the pages of its pool.
template <typename OpTy>
static SmallVector<Value, 5>
getLauncherSizes(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                 OpTy op) {
  Value zero = arith::ConstantIndexOp::create(b, 0);
  Value q = op.getQ();
  if constexpr (std::is_same_v<OpTy, AttentionOp>) {
    if (spec.paged)
      return {dimOf(b, q, 0), dimOf(b, q, 1), op.getNumKeys(),
              spec.hasDepth ? dimOf(b, op.getDepthK(), 2) : zero,
              dimOf(b, op.getK(), 0)};
  }
  if (!spec.packed)
    return {dimOf(b, q, 0), dimOf(b, q, 1),
            spec.hasSequence ? dimOf(b, op.getK(), 1) : zero,
            spec.hasDepth ? dimOf(b, op.getDepthK(), 2) : zero};
  Value sequences = arith::SubIOp::create(
      b, dimOf(b, op.getCuSeqlens(), 0), arith::ConstantIndexOp::create(b, 1));
  Value longest = op.getMaxSeqlen();
  return {sequences, longest, spec.hasSequence ? longest : zero,
          spec.hasDepth ? dimOf(b, op.getDepthK(), 1) : zero, dimOf(b, q, 0)};
}

void mlir::moda::replaceWithLauncherCall(RewriterBase &rewriter,
                                         AttentionOp op,
                                         const AttentionKernelSpec &spec,
                                         func::FuncOp launcher) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  ImplicitLocOpBuilder b(op.getLoc(), rewriter);

  auto inputBuffer = [&](Value tensor) { return flatInput(b, tensor); };
  Value q = op.getQ();
  auto outType = cast<RankedTensorType>(op.getOut().getType());
  auto lseType = cast<RankedTensorType>(op.getLse().getType());
  SmallVector<Value, 5> sizes = getLauncherSizes(b, spec, op);
  // The outputs' extents are the ABI's (out [B, T, Hq, D] and lse
  // [B, Hq, T], or packed [N, Hq, D] and [Hq, N]) for these sizes.
  auto allocateOutput = [&](RankedTensorType type, StringRef name) {
    AbiTensorAttr abi = getAbiTensor(spec, name, AbiTensorRole::Output);
    return allocate(b, type, [&](int64_t i) {
      return buildSize(b, abi.getShape()[i], sizes);
    });
  };
  Value outBuffer = allocateOutput(outType, "out");
  Value lseBuffer = allocateOutput(lseType, "lse");

  SmallVector<Value> operands = {inputBuffer(q)};
  if (spec.hasSequence)
    operands.append({inputBuffer(op.getK()), inputBuffer(op.getV())});
  if (spec.hasDepth)
    operands.append({inputBuffer(op.getDepthK()), inputBuffer(op.getDepthV())});
  operands.append({flatten(b, outBuffer), flatten(b, lseBuffer)});
  if (spec.packed)
    operands.push_back(inputBuffer(op.getCuSeqlens()));
  if (spec.paged)
    operands.push_back(inputBuffer(op.getBlockTable()));
  llvm::append_range(operands, sizes);
  func::CallOp::create(b, launcher, operands);

  Value out = bufferization::ToTensorOp::create(b, outType, outBuffer,
                                                b.getUnitAttr(),
                                                b.getUnitAttr());
  Value lse = bufferization::ToTensorOp::create(b, lseType, lseBuffer,
                                                b.getUnitAttr(),
                                                b.getUnitAttr());
  rewriter.replaceOp(op, ValueRange{out, lse});
}

std::string mlir::moda::getFreeOperatorName(ModuleOp module, StringRef prefix,
                                            int64_t first) {
  for (int64_t index = first;; ++index) {
    std::string name = (prefix + "_" + llvm::Twine(index)).str();
    if (llvm::none_of(ArrayRef<std::string>{name, name + "_launch",
                                            name + "_module"},
                      [&](const std::string &symbol) {
                        return SymbolTable::lookupSymbolIn(module, symbol);
                      }))
      return name;
  }
}

/// The operators of type OpTy in `module`, each with its position among
/// them (in walk order): the index its kernels' name starts from.
template <typename OpTy>
static SmallVector<std::pair<OpTy, int64_t>> collectOps(ModuleOp module) {
  SmallVector<std::pair<OpTy, int64_t>> ops;
  module.walk([&](OpTy op) { ops.push_back({op, int64_t(ops.size())}); });
  return ops;
}

LogicalResult mlir::moda::lowerAttentions(ModuleOp module,
                                          KernelBuilder buildKernel) {
  IRRewriter rewriter(module.getContext());
  for (auto [op, position] : collectOps<AttentionOp>(module)) {
    FailureOr<AttentionKernelSpec> spec = AttentionKernelSpec::get(op);
    if (failed(spec))
      return failure();
    std::string name = getFreeOperatorName(module, "moda_attention", position);
    func::FuncOp launcher = buildKernel(name, *spec, op);
    replaceWithLauncherCall(rewriter, op, *spec, launcher);
  }
  return success();
}

static void replaceGradWithLauncherCall(RewriterBase &rewriter,
                                        AttentionGradOp op,
                                        const AttentionKernelSpec &spec,
                                        func::FuncOp launcher) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPoint(op);
  ImplicitLocOpBuilder b(op.getLoc(), rewriter);
  auto inputBuffer = [&](Value tensor) { return flatInput(b, tensor); };
  // Each gradient has the type of the operand it differentiates, and that
  // operand's dynamic sizes.
  auto allocateLike = [&](Value operand) {
    return allocate(b, cast<RankedTensorType>(operand.getType()),
                    [&](int64_t i) { return dimOf(b, operand, i); });
  };
  SmallVector<Value, 5> sizes = getLauncherSizes(b, spec, op);

  SmallVector<Value> operands = {inputBuffer(op.getQ())};
  if (spec.hasSequence)
    operands.append({inputBuffer(op.getK()), inputBuffer(op.getV())});
  if (spec.hasDepth)
    operands.append({inputBuffer(op.getDepthK()), inputBuffer(op.getDepthV())});
  operands.append({inputBuffer(op.getOut()), inputBuffer(op.getLse()),
                   inputBuffer(op.getDOut())});
  SmallVector<std::pair<Value, Value>> results; // (buffer, result)
  auto output = [&](Value operand, Value result) {
    Value buffer = allocateLike(operand);
    results.push_back({buffer, result});
    operands.push_back(flatten(b, buffer));
  };
  output(op.getQ(), op.getDq());
  if (spec.hasSequence) {
    output(op.getK(), op.getDk());
    output(op.getV(), op.getDv());
  }
  if (spec.hasDepth) {
    output(op.getDepthK(), op.getDDepthK());
    output(op.getDepthV(), op.getDDepthV());
  }
  if (spec.packed)
    operands.push_back(inputBuffer(op.getCuSeqlens()));
  llvm::append_range(operands, sizes);
  func::CallOp::create(b, launcher, operands);

  SmallVector<Value> replacements;
  for (auto [buffer, result] : results)
    replacements.push_back(bufferization::ToTensorOp::create(
        b, result.getType(), buffer, b.getUnitAttr(), b.getUnitAttr()));
  rewriter.replaceOp(op, replacements);
}

LogicalResult mlir::moda::lowerAttentionGrads(ModuleOp module,
                                              GradKernelBuilder buildKernels) {
  IRRewriter rewriter(module.getContext());
  for (auto [op, position] : collectOps<AttentionGradOp>(module)) {
    FailureOr<AttentionKernelSpec> spec = getAttentionGradSpec(op);
    if (failed(spec))
      return failure();
    std::string name =
        getFreeOperatorName(module, "moda_attention_grad", position);
    func::FuncOp launcher = buildKernels(name, *spec, op);
    replaceGradWithLauncherCall(rewriter, op, *spec, launcher);
  }
  return success();
}
