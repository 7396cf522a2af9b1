//===- KernelManifest.cpp - the manifest of a compiled kernel -------------===//

#include "moda/Target/KernelManifest.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h"

using namespace mlir;
using namespace mlir::moda;
namespace json = llvm::json;

json::Object mlir::moda::kernelConfigToJson(KernelConfigAttr config) {
  json::Object object{{"block_m", config.getBlockM()},
                      {"block_n", config.getBlockN()},
                      {"block_depth", config.getBlockDepth()},
                      {"num_warps", config.getNumWarps()},
                      {"num_stages", config.getNumStages()},
                      {"mma", stringifyMmaKind(config.getMma())}};
  // Like the IR, the default (no split) is not written.
  if (config.getKvSplits() > 1)
    object["kv_splits"] = config.getKvSplits();
  return object;
}

/// A tensor extent as a manifest writes it: its value, its size symbol, or
/// a symbol plus a constant ("B+1", packed sequences' offsets): the forms
/// the ABI's verifier admits.
static json::Value extentToJson(const SizeExpr &extent) {
  if (extent.isConstant())
    return extent.coefficient;
  std::string symbol =
      stringifySizeSymbol(extent.getSymbols().front()).str();
  if (extent.addend != 0)
    symbol += "+" + std::to_string(extent.addend);
  return symbol;
}

/// A tensor's dtype as a manifest writes it: an element type of the
/// operator, f32 (the row statistics) or i32 (packed sequences' offsets, a
/// paged cache's block table).
static StringRef getTensorDtypeName(Type type) {
  return type.isInteger(32) ? "i32" : getElementTypeName(type);
}

/// A grid dimension as a manifest writes it: {"constant": n}, or
/// {"symbol", ["times",] "multiplier", "divisor"} for
/// ceil(symbol [* times] * multiplier / divisor).
static json::Object gridDimensionToJson(const SizeExpr &blocks) {
  if (blocks.isConstant())
    return json::Object{{"constant", blocks.coefficient}};
  SmallVector<SizeSymbol, 4> symbols = blocks.getSymbols();
  json::Object dimension{{"symbol", stringifySizeSymbol(symbols.front())},
                         {"multiplier", blocks.coefficient},
                         {"divisor", blocks.divisor}};
  if (symbols.size() > 1)
    dimension["times"] = stringifySizeSymbol(symbols[1]);
  return dimension;
}

/// A launch's grid, block and dynamic shared memory, into `object`.
static void addLaunchShape(json::Object &object, AbiLaunchAttr launch) {
  json::Array grid;
  for (const SizeExpr &blocks : launch.getGrid())
    grid.push_back(gridDimensionToJson(blocks));
  object["grid"] = std::move(grid);
  object["block"] = json::Array{launch.getThreads(), 1, 1};
  object["dynamic_shared_memory"] = launch.getDynamicSharedMemory();
}

json::Object mlir::moda::buildKernelManifest(StringRef name, KernelAbiAttr abi,
                                             const KernelFiles &files) {
  json::Array tensors, params;
  for (AbiTensorAttr tensor : abi.getTensors()) {
    json::Array shape;
    for (const SizeExpr &extent : tensor.getShape())
      shape.push_back(extentToJson(extent));
    json::Object entry{{"name", tensor.getName()},
                       {"dtype", getTensorDtypeName(tensor.getElementType())},
                       {"role", stringifyAbiTensorRole(tensor.getRole())},
                       {"shape", std::move(shape)}};
    if (tensor.getNumStrideArguments() > 0)
      entry["strided"] = true;
    tensors.push_back(std::move(entry));
    params.push_back(
        json::Object{{"kind", "buffer"}, {"tensor", tensor.getName()}});
  }
  json::Object sizes;
  for (auto [i, size] : llvm::enumerate(abi.getSizes())) {
    StringRef symbol = stringifySizeSymbol(static_cast<SizeSymbol>(i));
    sizes[symbol] = ShapedType::isDynamic(size) ? json::Value(nullptr)
                                                : json::Value(size);
    params.push_back(json::Object{{"kind", "size"}, {"symbol", symbol}});
  }
  // A view's strides follow the sizes, tensor by tensor, outermost first.
  for (AbiTensorAttr tensor : abi.getTensors())
    for (int64_t dim = 0; dim < tensor.getNumStrideArguments(); ++dim)
      params.push_back(json::Object{
          {"kind", "stride"}, {"tensor", tensor.getName()}, {"dim", dim}});

  json::Object manifest{
      {"format", "moda-kernel/1"},
      {"kernel", name},
      {"ptx", files.ptx},
      {"target", files.target},
      {"op", stringifyAbiOperator(abi.getOp())},
      {"element_type", getElementTypeName(abi.getElementType())},
      {"causal", abi.getCausal().getValue()},
      {"visibility", stringifyDepthVisibility(abi.getVisibility())},
      {"chunk_size", abi.getChunkSize()},
      {"scale", abi.getScale().getValueAsDouble()},
      {"num_query_heads", abi.getNumQueryHeads()},
      {"num_kv_heads", abi.getNumKvHeads()},
      {"head_dim", abi.getHeadDim()},
      {"config", kernelConfigToJson(abi.getConfig())},
      {"tensors", std::move(tensors)},
      {"sizes", std::move(sizes)},
      {"params", std::move(params)},
  };
  // Packed sequences: the runtime reads the layouts without a batch
  // dimension and takes T (max_seqlen) from the call.
  if (llvm::any_of(abi.getTensors(), [](AbiTensorAttr tensor) {
        return tensor.getName() == kCuSeqlensTensorName;
      }))
    manifest["packed"] = true;
  // A paged KV cache: k and v are a pool of pages, the block table has a
  // row of pages per batch entry; the call gives S, which no tensor
  // carries.
  // (The ABI verifier fixes both shapes: [B, W] and [N, page_size, Hk, D].)
  auto secondExtent = [&](StringRef name) -> std::optional<int64_t> {
    for (AbiTensorAttr tensor : abi.getTensors())
      if (tensor.getName() == name)
        return tensor.getShape()[1].coefficient;
    return std::nullopt;
  };
  if (std::optional<int64_t> width = secondExtent(kBlockTableTensorName)) {
    manifest["pages_per_entry"] = *width;
    manifest["page_size"] = secondExtent("k").value_or(0);
  }
  // The forward's one launch is the manifest's own; a backward, or a
  // split-KV forward, lists its launches in order, each with the outputs it
  // writes.
  if (abi.getLaunches().size() == 1 && abi.getOp() == AbiOperator::Attention) {
    addLaunchShape(manifest, abi.getLaunches().front());
  } else {
    json::Array launches;
    for (AbiLaunchAttr launch : abi.getLaunches()) {
      json::Array writes;
      for (StringAttr tensor : launch.getWrites())
        writes.push_back(tensor.getValue());
      json::Object entry{{"kernel", launch.getKernel()},
                         {"writes", std::move(writes)}};
      addLaunchShape(entry, launch);
      launches.push_back(std::move(entry));
    }
    manifest["launches"] = std::move(launches);
  }
  if (files.cubin)
    manifest["cubin"] = *files.cubin;
  return manifest;
}
