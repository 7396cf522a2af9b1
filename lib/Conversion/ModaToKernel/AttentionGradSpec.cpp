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

int64_t mlir::moda::getGradGPULanes(const AttentionKernelSpec &spec) {
  int64_t width = getVectorWidth(spec.elementType);
  int64_t lanes = spec.headDim >= 128 ? 4 : spec.headDim >= 64 ? 2 : 1;
  while (lanes > 1 && (spec.headDim % (lanes * width) != 0 ||
                       spec.getNumThreads() % lanes != 0))
    lanes /= 2;
  return lanes;
}

int64_t mlir::moda::getGradBlockSlots(const AttentionKernelSpec &spec,
                                      int64_t lanes) {
  return spec.getNumThreads() / lanes;
}

/// Shared memory of the dkv kernel: block_n rows of q and of d_out, and
/// their lse and Delta (f32).
static int64_t getDkvSharedMemoryBytes(KernelConfigAttr config,
                                       int64_t headDim, Type elementType) {
  int64_t elementBytes = elementType.getIntOrFloatBitWidth() / 8;
  return 2 * config.getBlockN() * (headDim * elementBytes + 4);
}

FailureOr<AttentionKernelSpec>
mlir::moda::getAttentionGradSpec(AttentionGradOp op) {
  FailureOr<AttentionKernelSpec> read = AttentionKernelSpec::read(op);
  if (failed(read))
    return failure();
  AttentionKernelSpec spec = *read;

  // The dkv and d_depth kernels are SIMT whatever the configuration's mma
  // and stages say, and so is dq unless mma = wgmma; the rules they share
  // with the forward still hold. (block_m being a multiple of G is the op
  // verifier's rule.)
  KernelConfigAttr config = spec.config;
  if (usesTensorCoreDq(spec))
    if (std::optional<std::string> why = whyInvalidTensorCoreDqConfig(
            config, spec.groupSize, spec.headDim, spec.elementType))
      return op.emitOpError() << *why;
  int64_t width = getVectorWidth(spec.elementType);
  if (spec.headDim % width != 0)
    return op.emitOpError() << "head dim D = " << spec.headDim
                            << " must be a multiple of " << width
                            << " for 16-byte loads of " << spec.elementType;
  int64_t dqShared = 2 * config.getBlockN() * spec.headDim *
                     (spec.elementType.getIntOrFloatBitWidth() / 8);
  int64_t dkvShared =
      getDkvSharedMemoryBytes(config, spec.headDim, spec.elementType);
  if (std::max(dqShared, dkvShared) > kMaxStaticSharedMemoryBytes)
    return op.emitOpError()
           << "config needs " << std::max(dqShared, dkvShared)
           << " bytes of shared memory in a backward kernel, more than the "
           << kMaxStaticSharedMemoryBytes << " a block may declare";
  return spec;
}

SmallVector<GradKernelKind>
mlir::moda::getGradKernels(const AttentionKernelSpec &spec, bool onGPU) {
  SmallVector<GradKernelKind> kinds = {GradKernelKind::DQ};
  if (spec.hasSequence)
    kinds.push_back(GradKernelKind::DKV);
  if (spec.hasDepth && !(onGPU && fusesDepthGradsIntoDq(spec)))
    kinds.push_back(GradKernelKind::DDepth);
  return kinds;
}

/// The P and dS tiles of the dq kernel that computes the depth gradients:
/// block_m rows x block_depth entries each.
static int64_t getDepthGradTileBytes(const AttentionKernelSpec &spec) {
  return 2 * spec.config.getBlockM() * spec.config.getBlockDepth() *
         spec.elementType.getIntOrFloatBitWidth() / 8;
}

/// The dq kernel's shared memory without the depth-gradient tiles (the
/// variant's streams only: KernelConfigSpace's getTensorCoreDqSharedMemoryBytes
/// bounds it for a configuration, counting both).
static int64_t getQueryGradTileBytes(const AttentionKernelSpec &spec) {
  return spec.getDynamicSharedMemoryBytes() +
         spec.config.getBlockM() * spec.headDim *
             spec.elementType.getIntOrFloatBitWidth() / 8;
}

bool mlir::moda::fusesDepthGradsIntoDq(const AttentionKernelSpec &spec) {
  // An entry's rows must all be one warpgroup's (its 64 rows hold whole
  // positions), and a depth tile is staged on its way out in panels of 64
  // entries: a tile of 32 would fill none, and its gradients would never be
  // stored.
  constexpr int64_t kWarpgroupRows = 64, kPanelEntries = 64;
  return usesTensorCoreDq(spec) && spec.hasDepth &&
         spec.visibility != DepthVisibility::Chunk &&
         kWarpgroupRows % spec.groupSize == 0 && spec.headDim <= 64 &&
         spec.config.getBlockDepth() % kPanelEntries == 0 &&
         getQueryGradTileBytes(spec) + getDepthGradTileBytes(spec) <=
             getMaxDynamicSharedMemoryBytes(spec.config.getTarget());
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
  SmallVector<Type> types = getArgumentTypes(spec, getGradTensorNames(spec));
  // delta is the last tensor, right before the sizes: the launcher
  // allocates it.
  types.erase(types.end() - getNumSizeArguments(spec) - 1);
  return types;
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
  SmallVector<Value> arguments(launcherArguments);
  unsigned numSizes = getNumSizeArguments(spec);
  ArrayRef<Value> sizes = ArrayRef<Value>(arguments).take_back(numSizes);
  // The elements of delta's shape in the ABI (lse's).
  Value elements;
  for (const SizeExpr &extent :
       getAbiTensor(spec, "delta", AbiTensorRole::Scratch).getShape()) {
    Value size = buildSize(b, extent, sizes);
    elements = elements ? arith::MulIOp::create(b, elements, size) : size;
  }
  auto type = MemRefType::get({ShapedType::kDynamic}, b.getF32Type());
  arguments.insert(arguments.end() - numSizes, allocate(type, elements));
  return arguments;
}

SmallVector<MemRefType>
mlir::moda::getGradSharedTileTypes(const AttentionKernelSpec &spec,
                                   GradKernelKind kind, Attribute memorySpace) {
  switch (kind) {
  case GradKernelKind::DQ: // the forward's sequence key and value tiles
    return SmallVector<MemRefType>(
        llvm::ArrayRef(getSharedTileTypes(spec, memorySpace)).take_front(2));
  case GradKernelKind::DKV: {
    int64_t rows = spec.config.getBlockN();
    auto rowTile = MemRefType::get({rows * spec.headDim}, spec.elementType,
                                   MemRefLayoutAttrInterface(), memorySpace);
    auto scalars =
        MemRefType::get({rows}, Float32Type::get(spec.elementType.getContext()),
                        MemRefLayoutAttrInterface(), memorySpace);
    return {rowTile, rowTile, scalars, scalars};
  }
  case GradKernelKind::DDepth:
    return {};
  }
  llvm_unreachable("unknown backward kernel");
}

SmallVector<SizeExpr, 3> mlir::moda::getGradGrid(const AttentionKernelSpec &spec,
                                                 GradKernelKind kind,
                                                 int64_t keysPerBlock) {
  SizeExpr heads = SizeExpr::constant(spec.numKVHeads),
           batch = SizeExpr::of(SizeSymbol::B);
  switch (kind) {
  case GradKernelKind::DQ:
    return getForwardGrid(spec);
  case GradKernelKind::DKV:
    return {SizeExpr::of(SizeSymbol::S).ceilDiv(keysPerBlock), heads, batch};
  case GradKernelKind::DDepth: {
    SizeExpr pairs = SizeExpr::of(SizeSymbol::T) * SizeExpr::of(SizeSymbol::L);
    return {pairs.ceilDiv(keysPerBlock), heads, batch};
  }
  }
  llvm_unreachable("unknown backward kernel");
}

KernelAbiAttr mlir::moda::describeGradKernels(
    const AttentionKernelSpec &spec, AttentionGradOp op, bool onGPU,
    function_ref<std::string(GradKernelKind)> kernelName) {
  MLIRContext *ctx = op.getContext();
  Builder b(ctx);
  int64_t lanes = onGPU ? getGradGPULanes(spec) : 1;
  SmallVector<AbiLaunchAttr> launches;
  for (GradKernelKind kind : getGradKernels(spec, onGPU)) {
    int64_t shared = 0;
    if (usesTensorCores(spec, kind))
      shared = kind == GradKernelKind::DQ
                   ? getTensorCoreDqSharedMemoryBytes(spec)
                   : getTensorCoreDkvSharedMemoryBytes(spec);
    SmallVector<StringRef> writes;
    switch (kind) {
    case GradKernelKind::DQ:
      writes.push_back("dq");
      if (onGPU && fusesDepthGradsIntoDq(spec))
        writes.append({"d_depth_k", "d_depth_v"});
      break;
    case GradKernelKind::DKV:
      writes.append({"dk", "dv"});
      break;
    case GradKernelKind::DDepth:
      writes.append({"d_depth_k", "d_depth_v"});
      break;
    }
    SmallVector<StringAttr> writtenNames;
    for (StringRef name : writes)
      writtenNames.push_back(b.getStringAttr(name));
    launches.push_back(AbiLaunchAttr::get(
        ctx, kernelName(kind),
        getGradGrid(spec, kind, getGradBlockSlots(spec, lanes)),
        spec.getNumThreads(), shared, writtenNames));
  }
  return getKernelAbi(spec, AbiOperator::AttentionGrad,
                      getStaticSizes(spec, op.getQ(), op.getK(), op.getDepthK(), op.getCuSeqlens()),
                      getGradTensorNames(spec), launches);
}

int64_t mlir::moda::getTensorCoreDqSharedMemoryBytes(
    const AttentionKernelSpec &spec) {
  return getQueryGradTileBytes(spec) +
         (fusesDepthGradsIntoDq(spec) ? getDepthGradTileBytes(spec) : 0);
}

int64_t mlir::moda::getTensorCoreDkvSharedMemoryBytes(
    const AttentionKernelSpec &spec) {
  int64_t rows = 2 * spec.config.getBlockM() +
                 2 * spec.config.getNumStages() * spec.config.getBlockN();
  // Per stage, the query rows' lse and Delta (f32) ride along their tiles.
  int64_t rowStatistics = 2 * spec.config.getNumStages() *
                          spec.config.getBlockN() * 4;
  return rows * spec.headDim * spec.elementType.getIntOrFloatBitWidth() / 8 +
         rowStatistics + kWarpgroupTileAlignment;
}
