//===- AttentionGradSpec.cpp - what the backward kernels depend on --------===//
//
// The spec, ABI, grids and manifest description of the backward kernels of
// moda.attention_grad (the replacement of the operator by a call of its
// launcher is LauncherCall.cpp's, as for the forward).
//
//===----------------------------------------------------------------------===//

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;

StringRef mlir::moda::getGradKernelSuffix(GradKernelKind kind) {
  switch (kind) {
  case GradKernelKind::DQ:
    return "dq";
  case GradKernelKind::DKV:
    return "dkv";
  case GradKernelKind::DDepth:
    return "d_depth";
  }
  llvm_unreachable("unknown backward kernel");
}

std::string mlir::moda::getGradKernelName(StringRef name,
                                          GradKernelKind kind) {
  return (name + "_" + getGradKernelSuffix(kind)).str();
}

FailureOr<AttentionKernelSpec>
mlir::moda::getAttentionGradSpec(AttentionGradOp op) {
  FailureOr<AttentionKernelSpec> read = AttentionKernelSpec::read(op);
  if (failed(read))
    return failure();
  AttentionKernelSpec spec = *read;
  if (std::optional<std::string> why = whyInvalidForwardConfig(
          spec.config, spec.groupSize, spec.headDim, spec.elementType))
    return op.emitOpError() << *why;
  return spec;
}

SmallVector<GradKernelKind>
mlir::moda::getGradKernels(const AttentionKernelSpec &spec) {
  SmallVector<GradKernelKind> kinds = {GradKernelKind::DQ};
  if (spec.hasSequence)
    kinds.push_back(GradKernelKind::DKV);
  if (spec.hasDepth)
    kinds.push_back(GradKernelKind::DDepth);
  return kinds;
}

SmallVector<StringRef>
mlir::moda::getGradTensorNames(const AttentionKernelSpec &spec) {
  SmallVector<StringRef> names = {"q"};
  if (spec.hasSequence)
    names.append({"k", "v"});
  if (spec.hasDepth)
    names.append({"depth_k", "depth_v"});
  names.append({"out", "lse", "d_out", "dq"});
  if (spec.hasSequence)
    names.append({"dk", "dv"});
  if (spec.hasDepth)
    names.append({"d_depth_k", "d_depth_v"});
  if (spec.packed)
    names.push_back(kCuSeqlensTensorName);
  names.push_back("delta");
  return names;
}

SmallVector<Type>
mlir::moda::getGradKernelArgumentTypes(const AttentionKernelSpec &spec) {
  SmallVector<StringRef> names = getGradTensorNames(spec);
  SmallVector<Type> types = getArgumentTypes(spec, names);
  for (StringRef name : names)
    types.append(getNumStrideArguments(spec, name),
                 IndexType::get(spec.elementType.getContext()));
  return types;
}

SmallVector<Type>
mlir::moda::getGradLauncherArgumentTypes(const AttentionKernelSpec &spec) {
  SmallVector<StringRef> names = getGradTensorNames(spec);
  llvm::erase_if(names, isScratchTensor); // the launcher allocates delta
  return getArgumentTypes(spec, names);
}

/// The field of `args` that holds the backward's tensor `name`.
static Value *getGradTensorField(AttentionGradArgs &args, StringRef name) {
  if (Value *field = getForwardTensorField(args, name))
    return field;
  return llvm::StringSwitch<Value *>(name)
      .Case("d_out", &args.dOut)
      .Case("dq", &args.dq)
      .Case("dk", &args.dk)
      .Case("dv", &args.dv)
      .Case("d_depth_k", &args.dDepthK)
      .Case("d_depth_v", &args.dDepthV)
      .Case("delta", &args.delta)
      .Default(nullptr);
}

AttentionGradArgs mlir::moda::getGradKernelArgs(const AttentionKernelSpec &spec,
                                                ValueRange arguments) {
  AttentionGradArgs args;
  SmallVector<StringRef> names = getGradTensorNames(spec);
  auto sizes = bindArguments(spec, names, arguments, [&](StringRef name, Value value) {
    *getGradTensorField(args, name) = value;
  });
  args.bindSizes(sizes);
  bindStrideArguments(
      spec, names, arguments,
      [&](StringRef name) { return *getGradTensorField(args, name); }, args);
  return args;
}

SmallVector<Value> mlir::moda::buildGradKernelArguments(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    ValueRange launcherArguments,
    function_ref<Value(MemRefType type, Value elements)> allocate) {
  return insertScratchBuffers(b, spec, getGradTensorNames(spec),
                              launcherArguments, allocate);
}

SmallVector<SizeExpr, 3> mlir::moda::getGradGrid(const AttentionKernelSpec &spec,
                                                 GradKernelKind kind) {
  int64_t blockSlots = spec.config.getBlockM();
  SizeExpr heads = SizeExpr::constant(spec.numKVHeads),
           batch = SizeExpr::of(SizeSymbol::B);
  switch (kind) {
  case GradKernelKind::DQ:
    return getForwardGrid(spec);
  case GradKernelKind::DKV:
    return {SizeExpr::of(SizeSymbol::S).ceilDiv(blockSlots), heads, batch};
  case GradKernelKind::DDepth: {
    SizeExpr pairs = SizeExpr::of(SizeSymbol::T) * SizeExpr::of(SizeSymbol::L);
    return {pairs.ceilDiv(blockSlots), heads, batch};
  }
  }
  llvm_unreachable("unknown backward kernel");
}

KernelAbiAttr mlir::moda::describeGradKernels(const AttentionKernelSpec &spec,
                                              AttentionGradOp op,
                                              StringRef name) {
  MLIRContext *ctx = op.getContext();
  Builder b(ctx);
  SmallVector<AbiLaunchAttr> launches;
  for (GradKernelKind kind : getGradKernels(spec)) {
    SmallVector<StringRef> writes;
    switch (kind) {
    case GradKernelKind::DQ:
      writes = {"dq"}; // and delta, scratch rather than an output
      break;
    case GradKernelKind::DKV:
      writes = {"dk", "dv"};
      break;
    case GradKernelKind::DDepth:
      writes = {"d_depth_k", "d_depth_v"};
      break;
    }
    launches.push_back(AbiLaunchAttr::get(
        ctx, getGradKernelName(name, kind), getGradGrid(spec, kind),
        spec.getNumThreads(), /*dynamicSharedMemory=*/0,
        llvm::map_to_vector(writes, [&](StringRef written) {
          return b.getStringAttr(written);
        })));
  }
  return getKernelAbi(spec, AbiOperator::AttentionGrad,
                      getStaticSizes(spec, op.getQ(), op.getK(), op.getDepthK(),
                                     op.getCuSeqlens()),
                      getGradTensorNames(spec), launches);
}
