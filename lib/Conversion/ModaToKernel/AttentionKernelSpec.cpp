//===- AttentionKernelSpec.cpp - what a forward kernel is specialized on --===//

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

int64_t AttentionKernelSpec::getDynamicSharedMemoryBytes() const {
  if (!usesTensorCores())
    return 0;
  int64_t rows = config.getBlockM();
  int64_t stages = config.getNumStages();
  if (hasSequence)
    rows += 2 * stages * config.getBlockN();
  if (hasDepth)
    rows += 2 * stages * getDepthStageRows(config);
  int64_t alignment =
      config.getMma() == MmaKind::Wgmma ? kWarpgroupTileAlignment : 0;
  return rows * headDim * elementType.getIntOrFloatBitWidth() / 8 + alignment;
}

SmallVector<StringRef> AttentionKernelSpec::getTensorNames() const {
  SmallVector<StringRef> names = {"q"};
  if (hasSequence)
    names.append({"k", "v"});
  if (hasDepth)
    names.append({"depth_k", "depth_v"});
  names.append({"out", "lse"});
  return names;
}

DictionaryAttr AttentionKernelSpec::describe(AttentionOp op) const {
  Builder b(op.getContext());
  auto staticSize = [](Value tensor, int64_t dim) -> int64_t {
    if (!tensor)
      return 0; // absent operands contribute no entries
    int64_t size = cast<RankedTensorType>(tensor.getType()).getDimSize(dim);
    return ShapedType::isDynamic(size) ? -1 : size;
  };
  SmallVector<int64_t> sizes = {staticSize(op.getQ(), 0),
                                staticSize(op.getQ(), 1),
                                staticSize(op.getK(), 1),
                                staticSize(op.getDepthK(), 2)};
  SmallVector<Attribute> tensors;
  for (StringRef name : getTensorNames())
    tensors.push_back(b.getStringAttr(name));
  NamedAttrList fields;
  fields.append("element_type", TypeAttr::get(elementType));
  fields.append("num_query_heads", b.getI64IntegerAttr(numQueryHeads));
  fields.append("num_kv_heads", b.getI64IntegerAttr(numKVHeads));
  fields.append("head_dim", b.getI64IntegerAttr(headDim));
  fields.append("causal", b.getBoolAttr(causal));
  fields.append("visibility",
                b.getStringAttr(stringifyDepthVisibility(visibility)));
  fields.append("chunk_size", b.getI64IntegerAttr(chunkSize));
  fields.append("scale", b.getF64FloatAttr(scale));
  fields.append("config", config);
  fields.append("tensors", b.getArrayAttr(tensors));
  fields.append("static_sizes", b.getDenseI64ArrayAttr(sizes));
  fields.append("dynamic_shared_memory",
                b.getI64IntegerAttr(getDynamicSharedMemoryBytes()));
  return fields.getDictionary(op.getContext());
}

SmallVector<Type>
mlir::moda::getArgumentTypes(const AttentionKernelSpec &spec,
                             ArrayRef<StringRef> tensorNames) {
  MLIRContext *ctx = spec.elementType.getContext();
  auto flat = MemRefType::get({ShapedType::kDynamic}, spec.elementType);
  auto flatF32 =
      MemRefType::get({ShapedType::kDynamic}, Float32Type::get(ctx));
  SmallVector<Type> types;
  for (StringRef name : tensorNames)
    types.push_back(name == "lse" || name == "delta" ? flatF32 : flat);
  types.append(4, IndexType::get(ctx)); // B, T, S, L
  return types;
}

std::array<Value, 4>
mlir::moda::bindArguments(ArrayRef<StringRef> tensorNames, ValueRange arguments,
                          function_ref<void(StringRef, Value)> bind) {
  assert(arguments.size() >= tensorNames.size() + 4 &&
         "a kernel takes its tensors, then B, T, S, L");
  for (auto [name, value] : llvm::zip(tensorNames, arguments))
    bind(name, value);
  ValueRange sizes = arguments.slice(tensorNames.size(), 4);
  return {sizes[0], sizes[1], sizes[2], sizes[3]};
}

SmallVector<Type>
mlir::moda::getKernelArgumentTypes(const AttentionKernelSpec &spec) {
  return getArgumentTypes(spec, spec.getTensorNames());
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
      .Default(nullptr);
}

AttentionKernelArgs mlir::moda::getKernelArgs(const AttentionKernelSpec &spec,
                                              ValueRange arguments) {
  AttentionKernelArgs args;
  auto sizes = bindArguments(
      spec.getTensorNames(), arguments, [&](StringRef name, Value value) {
        *getForwardTensorField(args, name) = value;
      });
  std::tie(args.batch, args.queries, args.keys, args.depth) =
      std::tie(sizes[0], sizes[1], sizes[2], sizes[3]);
  return args;
}

SmallVector<MemRefType>
mlir::moda::getSharedTileTypes(const AttentionKernelSpec &spec,
                               Attribute memorySpace) {
  auto tile = [&](int64_t rows) {
    return MemRefType::get({rows * spec.headDim}, spec.elementType,
                           MemRefLayoutAttrInterface(), memorySpace);
  };
  int64_t seqRows = spec.config.getBlockN();
  int64_t depthRows = spec.config.getBlockDepth();
  return {tile(seqRows), tile(seqRows), tile(depthRows), tile(depthRows)};
}

SmallVector<Value, 3> mlir::moda::buildGridSize(ImplicitLocOpBuilder &b,
                                                const AttentionKernelSpec &spec,
                                                Value batch, Value queries) {
  Value rows = arith::MulIOp::create(
      b, queries, arith::ConstantIndexOp::create(b, spec.groupSize));
  Value blocks = arith::CeilDivUIOp::create(
      b, rows, arith::ConstantIndexOp::create(b, spec.config.getBlockM()));
  return {blocks, arith::ConstantIndexOp::create(b, spec.numKVHeads), batch};
}
