//===- AttentionKernelSpec.cpp - what a forward kernel is specialized on --===//

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/StringSwitch.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;

FailureOr<AttentionKernelSpec> AttentionKernelSpec::get(AttentionOp op) {
  FailureOr<AttentionKernelSpec> read = AttentionKernelSpec::read(op);
  if (failed(read))
    return failure();
  AttentionKernelSpec spec = *read;
  if (std::optional<std::string> why = whyInvalidForwardConfig(
          spec.config, spec.groupSize, spec.headDim, spec.elementType))
    return op.emitOpError() << *why;
  return spec;
}

SmallVector<StringRef> AttentionKernelSpec::getTensorNames() const {
  SmallVector<StringRef> names = {"q"};
  if (hasSequence)
    names.append({"k", "v"});
  if (hasDepth)
    names.append({"depth_k", "depth_v"});
  names.append({"out", "lse"});
  if (packed)
    names.push_back(kCuSeqlensTensorName);
  if (paged)
    names.push_back(kBlockTableTensorName);
  if (splitsKeys())
    names.append({"partial_out", "partial_lse"});
  return names;
}

KernelAbiAttr AttentionKernelSpec::describe(AttentionOp op,
                                           StringRef kernelName) const {
  MLIRContext *ctx = op.getContext();
  SmallVector<StringAttr> outputs = {StringAttr::get(ctx, "out"),
                                     StringAttr::get(ctx, "lse")};
  SmallVector<AbiLaunchAttr, 2> launches;
  if (splitsKeys()) {
    // The split program writes only scratch (which no launch lists).
    launches.push_back(AbiLaunchAttr::get(ctx, kernelName,
                                          getSplitKeysGrid(*this),
                                          getNumThreads(),
                                          /*dynamicSharedMemory=*/0, {}));
    launches.push_back(AbiLaunchAttr::get(
        ctx, getMergeKernelName(kernelName), getForwardGrid(*this),
        getNumThreads(), /*dynamicSharedMemory=*/0, outputs));
  } else {
    launches.push_back(AbiLaunchAttr::get(ctx, kernelName,
                                          getForwardGrid(*this),
                                          getNumThreads(),
                                          /*dynamicSharedMemory=*/0, outputs));
  }
  return getKernelAbi(*this, AbiOperator::Attention,
                      getStaticSizes(*this, op),
                      getTensorNames(), launches);
}

SmallVector<SizeExpr, 3>
mlir::moda::getForwardGrid(const AttentionKernelSpec &spec) {
  SizeExpr rows = SizeExpr::of(SizeSymbol::T) *
                  SizeExpr::constant(spec.groupSize);
  return {rows.ceilDiv(spec.config.getBlockM()),
          SizeExpr::constant(spec.numKVHeads), SizeExpr::of(SizeSymbol::B)};
}

SmallVector<SizeExpr, 3>
mlir::moda::getSplitKeysGrid(const AttentionKernelSpec &spec) {
  SmallVector<SizeExpr, 3> grid = getForwardGrid(spec);
  grid[1] = SizeExpr::constant(spec.numKVHeads * spec.kvSplits);
  return grid;
}

std::string mlir::moda::getMergeKernelName(StringRef kernelName) {
  return (kernelName + "_merge").str();
}

bool mlir::moda::isScratchTensor(StringRef name) {
  return llvm::is_contained({"delta", "partial_out", "partial_lse"}, name);
}

SmallVector<Value> mlir::moda::insertScratchBuffers(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    ArrayRef<StringRef> tensorNames, ValueRange arguments,
    function_ref<Value(MemRefType type, Value elements)> allocate) {
  SmallVector<Value> withScratch(arguments);
  unsigned numSizes = getNumSizeArguments(spec);
  SmallVector<Value> sizes(ArrayRef<Value>(withScratch).take_back(numSizes));
  for (StringRef name : tensorNames) {
    if (!isScratchTensor(name))
      continue;
    Value elements;
    for (const SizeExpr &extent :
         getAbiTensor(spec, name, AbiTensorRole::Scratch).getShape()) {
      Value size = buildSize(b, extent, sizes);
      elements = elements ? arith::MulIOp::create(b, elements, size) : size;
    }
    auto type = MemRefType::get({ShapedType::kDynamic},
                                getAbiElementType(spec, name));
    withScratch.insert(withScratch.end() - numSizes, allocate(type, elements));
  }
  return withScratch;
}

Type mlir::moda::getAbiElementType(const AttentionKernelSpec &spec,
                                   StringRef name) {
  MLIRContext *ctx = spec.elementType.getContext();
  if (name == kCuSeqlensTensorName || name == kBlockTableTensorName)
    return IntegerType::get(ctx, 32);
  // The row statistics and every scratch tensor (delta, split-KV's
  // partials) are f32.
  return name == "lse" || isScratchTensor(name) ? Float32Type::get(ctx)
                                                : spec.elementType;
}

bool mlir::moda::takesStrides(const AttentionKernelSpec &spec,
                              StringRef name) {
  return spec.takesViews && name != "lse" && !isScratchTensor(name) &&
         name != kCuSeqlensTensorName && name != kBlockTableTensorName;
}

AbiTensorAttr mlir::moda::getAbiTensor(const AttentionKernelSpec &spec,
                                       StringRef name, AbiTensorRole role) {
  SizeExpr B = SizeExpr::of(SizeSymbol::B), T = SizeExpr::of(SizeSymbol::T),
           S = SizeExpr::of(SizeSymbol::S), L = SizeExpr::of(SizeSymbol::L),
           N = SizeExpr::of(SizeSymbol::N);
  SizeExpr queryHeads = SizeExpr::constant(spec.numQueryHeads),
           kvHeads = SizeExpr::constant(spec.numKVHeads),
           headDim = SizeExpr::constant(spec.headDim);
  // The framework layout of each family of tensors (docs/artifacts.md); a
  // gradient has the layout of what it differentiates.
  SmallVector<SizeExpr> shape;
  if (name == kCuSeqlensTensorName)
    shape = {B.plus(1)};
  else if (name == kBlockTableTensorName)
    shape = {B, SizeExpr::constant(spec.tableWidth)};
  else if (spec.paged && llvm::is_contained({"k", "v"}, name))
    // A pool of N pages of page_size keys.
    shape = {N, SizeExpr::constant(spec.pageSize), kvHeads, headDim};
  else if (spec.packed) {
    // Packed sequences: N tokens back to back, no batch dimension.
    if (llvm::is_contained({"q", "out", "d_out", "dq"}, name))
      shape = {N, queryHeads, headDim};
    else if (llvm::is_contained({"k", "v", "dk", "dv"}, name))
      shape = {N, kvHeads, headDim};
    else if (llvm::is_contained(
                 {"depth_k", "depth_v", "d_depth_k", "d_depth_v"}, name))
      shape = {N, L, kvHeads, headDim};
    else if (llvm::is_contained({"lse", "delta"}, name))
      shape = {queryHeads, N};
    else
      llvm_unreachable("not a tensor of the attention kernels' ABI");
  } else if (llvm::is_contained({"q", "out", "d_out", "dq"}, name))
    shape = {B, T, queryHeads, headDim};
  else if (llvm::is_contained({"k", "v", "dk", "dv"}, name))
    shape = {B, S, kvHeads, headDim};
  else if (llvm::is_contained({"depth_k", "depth_v", "d_depth_k", "d_depth_v"},
                              name))
    shape = {B, T, L, kvHeads, headDim};
  else if (llvm::is_contained({"lse", "delta"}, name))
    shape = {B, queryHeads, T};
  else if (name == "partial_out") // a share's out per split
    shape = {SizeExpr::constant(spec.kvSplits), B, T, queryHeads, headDim};
  else if (name == "partial_lse")
    shape = {SizeExpr::constant(spec.kvSplits), B, queryHeads, T};
  else
    llvm_unreachable("not a tensor of the attention kernels' ABI");
  SmallVector<SizeExpr> strides = getContiguousStrides(shape);
  if (takesStrides(spec, name))
    std::fill(strides.begin(), strides.end() - 1, SizeExpr::getDynamic());
  return AbiTensorAttr::get(spec.elementType.getContext(), name,
                            getAbiElementType(spec, name), role, shape,
                            strides);
}

SmallVector<int64_t, 5> mlir::moda::getStaticSizes(
    const AttentionKernelSpec &spec, Value q, Value k, Value depthK,
    Value cuSeqlens) {
  auto size = [](Value tensor, int64_t dim) -> int64_t {
    if (!tensor)
      return 0; // an absent operand contributes no entries
    return cast<RankedTensorType>(tensor.getType()).getDimSize(dim);
  };
  if (!spec.packed)
    return {size(q, 0), size(q, 1), size(k, 1), size(depthK, 2)};
  int64_t offsets = size(cuSeqlens, 0);
  int64_t sequences =
      ShapedType::isDynamic(offsets) ? ShapedType::kDynamic : offsets - 1;
  // The longest sequence is a runtime value (max_seqlen), even where every
  // type is static.
  int64_t longest = ShapedType::kDynamic;
  return {sequences, longest, k ? longest : 0, size(depthK, 1), size(q, 0)};
}

SmallVector<int64_t, 5>
mlir::moda::getStaticSizes(const AttentionKernelSpec &spec, AttentionOp op) {
  SmallVector<int64_t, 5> sizes = getStaticSizes(
      spec, op.getQ(), op.getK(), op.getDepthK(), op.getCuSeqlens());
  if (spec.paged) {
    // No tensor carries the cached keys: a call always gives them.
    sizes[unsigned(SizeSymbol::S)] = ShapedType::kDynamic;
    sizes.push_back(cast<RankedTensorType>(op.getK().getType()).getDimSize(0));
  }
  return sizes;
}

KernelAbiAttr mlir::moda::getKernelAbi(const AttentionKernelSpec &spec,
                                       AbiOperator op, ArrayRef<int64_t> sizes,
                                       ArrayRef<StringRef> tensorNames,
                                       ArrayRef<AbiLaunchAttr> launches) {
  MLIRContext *ctx = spec.elementType.getContext();
  auto written = [&](StringRef name) {
    return llvm::any_of(launches, [&](AbiLaunchAttr launch) {
      return llvm::is_contained(launch.getWrites(),
                                StringAttr::get(ctx, name));
    });
  };
  SmallVector<AbiTensorAttr> tensors;
  for (StringRef name : tensorNames) {
    AbiTensorRole role = isScratchTensor(name) ? AbiTensorRole::Scratch
                         : written(name)       ? AbiTensorRole::Output
                                               : AbiTensorRole::Input;
    tensors.push_back(getAbiTensor(spec, name, role));
  }
  Builder b(ctx);
  return KernelAbiAttr::get(
      ctx, op, spec.elementType, spec.numQueryHeads, spec.numKVHeads,
      spec.headDim, b.getBoolAttr(spec.causal), spec.visibility,
      spec.chunkSize, b.getF64FloatAttr(spec.scale), spec.config, sizes,
      tensors, launches);
}

Value mlir::moda::buildSize(ImplicitLocOpBuilder &b, const SizeExpr &expr,
                           ArrayRef<Value> sizes) {
  assert(!expr.isDynamic() && "a dynamic stride has no formula");
  Value value;
  auto multiply = [&](Value factor) {
    value = value ? arith::MulIOp::create(b, value, factor) : factor;
  };
  for (SizeSymbol symbol : expr.getSymbols()) {
    assert(static_cast<unsigned>(symbol) < sizes.size() &&
           "N is a size of packed and paged operators only (the ABI verifier's "
           "rule)");
    multiply(sizes[static_cast<unsigned>(symbol)]);
  }
  if (!value || expr.coefficient != 1)
    multiply(arith::ConstantIndexOp::create(b, expr.coefficient));
  if (!expr.isExact())
    value = arith::CeilDivUIOp::create(
        b, value, arith::ConstantIndexOp::create(b, expr.divisor));
  if (expr.addend != 0)
    value = arith::AddIOp::create(
        b, value, arith::ConstantIndexOp::create(b, expr.addend));
  return value;
}

SmallVector<Value, 3> mlir::moda::buildGridSize(ImplicitLocOpBuilder &b,
                                                AbiLaunchAttr launch,
                                                ArrayRef<Value> sizes) {
  assert(sizes.size() >= 4 &&
         "the grid of an ABI is a formula of B, T, S, L (and N)");
  SmallVector<Value, 3> grid;
  for (const SizeExpr &blocks : launch.getGrid())
    grid.push_back(buildSize(b, blocks, sizes));
  return grid;
}

SmallVector<Value>
mlir::moda::buildContiguousStrideArguments(ImplicitLocOpBuilder &b,
                                           KernelAbiAttr abi,
                                           ArrayRef<Value> sizes) {
  SmallVector<Value> strides;
  for (AbiTensorAttr tensor : abi.getTensors()) {
    int64_t count = tensor.getNumStrideArguments();
    SmallVector<SizeExpr> contiguous = getContiguousStrides(tensor.getShape());
    for (const SizeExpr &stride : ArrayRef(contiguous).take_front(count))
      strides.push_back(buildSize(b, stride, sizes));
  }
  return strides;
}

AbiLaunchAttr mlir::moda::getOwnLaunch(Operation *kernel) {
  auto abi = kernel->getAttrOfType<KernelAbiAttr>(kKernelAbiAttrName);
  assert(abi && "a kernel built by a moda lowering carries its ABI");
  return abi.getLaunch(SymbolTable::getSymbolName(kernel).getValue());
}

SmallVector<Type>
mlir::moda::getArgumentTypes(const AttentionKernelSpec &spec,
                             ArrayRef<StringRef> tensorNames) {
  SmallVector<Type> types;
  for (StringRef name : tensorNames)
    types.push_back(MemRefType::get({ShapedType::kDynamic},
                                    getAbiElementType(spec, name)));
  types.append(getNumSizeArguments(spec),
               IndexType::get(spec.elementType.getContext()));
  return types;
}

unsigned mlir::moda::getNumSizeArguments(const AttentionKernelSpec &spec) {
  return spec.takesFifthSize() ? 5 : 4; // B, T, S, L (, N)
}

SmallVector<Value, 5>
mlir::moda::bindArguments(const AttentionKernelSpec &spec,
                          ArrayRef<StringRef> tensorNames, ValueRange arguments,
                          function_ref<void(StringRef, Value)> bind) {
  unsigned numSizes = getNumSizeArguments(spec);
  assert(arguments.size() >= tensorNames.size() + numSizes &&
         "a kernel takes its tensors, then B, T, S, L (and N)");
  for (auto [name, value] : llvm::zip(tensorNames, arguments))
    bind(name, value);
  return llvm::to_vector<5>(arguments.slice(tensorNames.size(), numSizes));
}

SmallVector<Type>
mlir::moda::getLauncherArgumentTypes(const AttentionKernelSpec &spec) {
  SmallVector<StringRef> names = spec.getTensorNames();
  llvm::erase_if(names, isScratchTensor);
  return getArgumentTypes(spec, names);
}

int64_t mlir::moda::getNumStrideArguments(const AttentionKernelSpec &spec,
                                          StringRef name) {
  return getAbiTensor(spec, name, AbiTensorRole::Input).getNumStrideArguments();
}

void mlir::moda::bindStrideArguments(const AttentionKernelSpec &spec,
                                     ArrayRef<StringRef> tensorNames,
                                     ValueRange arguments,
                                     function_ref<Value(StringRef)> buffer,
                                     AttentionKernelArgs &args) {
  // The buffers, then B, T, S, L (and N).
  unsigned next = tensorNames.size() + getNumSizeArguments(spec);
  for (StringRef name : tensorNames) {
    int64_t count = getNumStrideArguments(spec, name);
    if (count == 0)
      continue;
    args.strides[buffer(name)] =
        llvm::to_vector<4>(arguments.slice(next, count));
    next += count;
  }
}

SmallVector<Type>
mlir::moda::getKernelArgumentTypes(const AttentionKernelSpec &spec) {
  SmallVector<Type> types = getArgumentTypes(spec, spec.getTensorNames());
  for (StringRef name : spec.getTensorNames())
    types.append(getNumStrideArguments(spec, name),
                 IndexType::get(spec.elementType.getContext()));
  return types;
}

Value *mlir::moda::getForwardTensorField(AttentionKernelArgs &args,
                                         StringRef name) {
  return llvm::StringSwitch<Value *>(name)
      .Case("q", &args.q)
      .Case("k", &args.k)
      .Case("v", &args.v)
      .Case("depth_k", &args.depthK)
      .Case("depth_v", &args.depthV)
      .Case("out", &args.out)
      .Case("lse", &args.lse)
      .Case(kCuSeqlensTensorName, &args.cuSeqlens)
      .Case(kBlockTableTensorName, &args.blockTable)
      .Case("partial_out", &args.partialOut)
      .Case("partial_lse", &args.partialLse)
      .Default(nullptr);
}

AttentionKernelArgs mlir::moda::getKernelArgs(const AttentionKernelSpec &spec,
                                              ValueRange arguments) {
  AttentionKernelArgs args;
  SmallVector<Value, 5> sizes = bindArguments(
      spec, spec.getTensorNames(), arguments, [&](StringRef name, Value value) {
        *getForwardTensorField(args, name) = value;
      });
  args.bindSizes(sizes);
  bindStrideArguments(
      spec, spec.getTensorNames(), arguments,
      [&](StringRef name) { return *getForwardTensorField(args, name); }, args);
  return args;
}
