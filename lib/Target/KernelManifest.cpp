//===- KernelManifest.cpp - the manifest of a compiled kernel -------------===//

#include "moda/Target/KernelManifest.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h"

using namespace mlir;
using namespace mlir::moda;
namespace json = llvm::json;

json::Object mlir::moda::kernelConfigToJson(KernelConfigAttr config) {
  return json::Object{{"block_m", config.getBlockM()},
                      {"block_n", config.getBlockN()},
                      {"block_depth", config.getBlockDepth()},
                      {"num_warps", config.getNumWarps()},
                      {"num_stages", config.getNumStages()},
                      {"mma", stringifyMmaKind(config.getMma())}};
}

/// A shape as the manifest writes it: size symbols and integers.
static json::Array shape(std::initializer_list<json::Value> dims) {
  return json::Array(dims);
}

FailureOr<json::Object>
mlir::moda::buildKernelManifest(StringRef kernelName,
                                DictionaryAttr description,
                                const KernelFiles &files) {
  auto getInt = [&](StringRef name) {
    return cast<IntegerAttr>(description.get(name)).getInt();
  };
  auto type = dyn_cast_or_null<TypeAttr>(description.get("element_type"));
  auto config = dyn_cast_or_null<KernelConfigAttr>(description.get("config"));
  auto tensorNames = dyn_cast_or_null<ArrayAttr>(description.get("tensors"));
  auto staticSizes =
      dyn_cast_or_null<DenseI64ArrayAttr>(description.get("static_sizes"));
  if (!type || !config || !tensorNames || !staticSizes)
    return failure();

  std::string dtype = getElementTypeName(type.getValue()).str();
  int64_t queryHeads = getInt("num_query_heads");
  int64_t kvHeads = getInt("num_kv_heads");
  int64_t headDim = getInt("head_dim");
  int64_t group = queryHeads / kvHeads;

  json::Array tensors, params;
  for (Attribute nameAttr : tensorNames) {
    StringRef name = cast<StringAttr>(nameAttr).getValue();
    json::Array dims;
    if (name == "q" || name == "out")
      dims = shape({"B", "T", queryHeads, headDim});
    else if (name == "k" || name == "v")
      dims = shape({"B", "S", kvHeads, headDim});
    else if (name == "depth_k" || name == "depth_v")
      dims = shape({"B", "T", "L", kvHeads, headDim});
    else
      dims = shape({"B", queryHeads, "T"});
    bool output = name == "out" || name == "lse";
    tensors.push_back(json::Object{{"name", name},
                                   {"dtype", name == "lse" ? "f32" : dtype},
                                   {"role", output ? "output" : "input"},
                                   {"shape", std::move(dims)}});
    params.push_back(json::Object{{"kind", "buffer"}, {"tensor", name}});
  }
  json::Object sizes;
  const char *symbols[] = {"B", "T", "S", "L"};
  for (auto [symbol, size] : llvm::zip(symbols, staticSizes.asArrayRef())) {
    sizes[symbol] = size < 0 ? json::Value(nullptr) : json::Value(size);
    params.push_back(json::Object{{"kind", "size"}, {"symbol", symbol}});
  }

  json::Object manifest{
      {"format", "moda-kernel/1"},
      {"kernel", kernelName},
      {"ptx", files.ptx},
      {"target", files.target},
      {"op", "attention"},
      {"element_type", dtype},
      {"causal", cast<BoolAttr>(description.get("causal")).getValue()},
      {"visibility",
       cast<StringAttr>(description.get("visibility")).getValue()},
      {"chunk_size", getInt("chunk_size")},
      {"scale",
       cast<FloatAttr>(description.get("scale")).getValueAsDouble()},
      {"num_query_heads", queryHeads},
      {"num_kv_heads", kvHeads},
      {"head_dim", headDim},
      {"config", kernelConfigToJson(config)},
      {"tensors", std::move(tensors)},
      {"sizes", std::move(sizes)},
      {"params", std::move(params)},
      {"grid",
       json::Array{
           json::Object{{"symbol", "T"},
                        {"multiplier", group},
                        {"divisor", config.getBlockM()}},
           json::Object{{"constant", kvHeads}},
           json::Object{{"symbol", "B"}, {"multiplier", 1}, {"divisor", 1}}}},
      {"block", json::Array{config.getNumWarps() * 32, 1, 1}},
      {"dynamic_shared_memory", getInt("dynamic_shared_memory")},
  };
  if (files.cubin)
    manifest["cubin"] = *files.cubin;
  return manifest;
}

FailureOr<json::Object>
mlir::moda::buildGradKernelManifest(StringRef opName,
                                    ArrayRef<GradKernelEntry> kernels,
                                    const KernelFiles &files) {
  if (kernels.empty())
    return failure();
  DictionaryAttr description = kernels.front().description;
  auto getInt = [&](DictionaryAttr d, StringRef name) -> std::optional<int64_t> {
    if (auto attr = dyn_cast_or_null<IntegerAttr>(d.get(name)))
      return attr.getInt();
    return std::nullopt;
  };
  auto type = dyn_cast_or_null<TypeAttr>(description.get("element_type"));
  auto config = dyn_cast_or_null<KernelConfigAttr>(description.get("config"));
  auto tensorNames = dyn_cast_or_null<ArrayAttr>(description.get("tensors"));
  auto staticSizes =
      dyn_cast_or_null<DenseI64ArrayAttr>(description.get("static_sizes"));
  std::optional<int64_t> queryHeads = getInt(description, "num_query_heads");
  std::optional<int64_t> kvHeads = getInt(description, "num_kv_heads");
  std::optional<int64_t> headDim = getInt(description, "head_dim");
  if (!type || !config || !tensorNames || !staticSizes || !queryHeads ||
      !kvHeads || !headDim)
    return failure();
  std::string dtype = getElementTypeName(type.getValue()).str();

  json::Array tensors, params;
  for (Attribute nameAttr : tensorNames) {
    StringRef name = cast<StringAttr>(nameAttr).getValue();
    json::Array dims;
    if (llvm::is_contained({"q", "out", "d_out", "dq"}, name))
      dims = shape({"B", "T", *queryHeads, *headDim});
    else if (llvm::is_contained({"k", "v", "dk", "dv"}, name))
      dims = shape({"B", "S", *kvHeads, *headDim});
    else if (llvm::is_contained({"depth_k", "depth_v", "d_depth_k",
                                 "d_depth_v"},
                                name))
      dims = shape({"B", "T", "L", *kvHeads, *headDim});
    else
      dims = shape({"B", *queryHeads, "T"}); // lse, delta
    const char *role = "input";
    if (name == "delta")
      role = "scratch";
    else if (llvm::is_contained({"dq", "dk", "dv", "d_depth_k", "d_depth_v"},
                                name))
      role = "output";
    bool f32 = name == "lse" || name == "delta";
    tensors.push_back(json::Object{{"name", name},
                                   {"dtype", f32 ? "f32" : dtype},
                                   {"role", role},
                                   {"shape", std::move(dims)}});
    params.push_back(json::Object{{"kind", "buffer"}, {"tensor", name}});
  }
  json::Object sizes;
  const char *symbols[] = {"B", "T", "S", "L"};
  for (auto [symbol, size] : llvm::zip(symbols, staticSizes.asArrayRef())) {
    sizes[symbol] = size < 0 ? json::Value(nullptr) : json::Value(size);
    params.push_back(json::Object{{"kind", "size"}, {"symbol", symbol}});
  }

  json::Array launches;
  for (const GradKernelEntry &kernel : kernels) {
    auto grid = dyn_cast_or_null<DictionaryAttr>(
        kernel.description.get("grid_x"));
    std::optional<int64_t> threads = getInt(kernel.description, "threads");
    if (!grid || !threads)
      return failure();
    json::Object x{
        {"symbol", cast<StringAttr>(grid.get("symbol")).getValue()},
        {"multiplier", cast<IntegerAttr>(grid.get("multiplier")).getInt()},
        {"divisor", cast<IntegerAttr>(grid.get("divisor")).getInt()}};
    if (auto times = dyn_cast_or_null<StringAttr>(grid.get("times")))
      x["times"] = times.getValue();
    json::Array writes;
    if (auto names =
            dyn_cast_or_null<ArrayAttr>(kernel.description.get("writes")))
      for (Attribute name : names)
        writes.push_back(cast<StringAttr>(name).getValue());
    launches.push_back(json::Object{
        {"writes", std::move(writes)},
        {"kernel", kernel.name},
        {"grid",
         json::Array{std::move(x), json::Object{{"constant", *kvHeads}},
                     json::Object{
                         {"symbol", "B"}, {"multiplier", 1}, {"divisor", 1}}}},
        {"block", json::Array{*threads, 1, 1}},
        {"dynamic_shared_memory",
         getInt(kernel.description, "dynamic_shared_memory").value_or(0)}});
  }

  json::Object manifest{
      {"format", "moda-kernel/1"},
      {"kernel", opName},
      {"ptx", files.ptx},
      {"target", files.target},
      {"op", "attention_grad"},
      {"element_type", dtype},
      {"causal", cast<BoolAttr>(description.get("causal")).getValue()},
      {"visibility",
       cast<StringAttr>(description.get("visibility")).getValue()},
      {"chunk_size", *getInt(description, "chunk_size")},
      {"scale",
       cast<FloatAttr>(description.get("scale")).getValueAsDouble()},
      {"num_query_heads", *queryHeads},
      {"num_kv_heads", *kvHeads},
      {"head_dim", *headDim},
      {"config", kernelConfigToJson(config)},
      {"tensors", std::move(tensors)},
      {"sizes", std::move(sizes)},
      {"params", std::move(params)},
      {"launches", std::move(launches)},
  };
  if (files.cubin)
    manifest["cubin"] = *files.cubin;
  return manifest;
}
