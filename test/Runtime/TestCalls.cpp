//===- TestCalls.cpp - calls of a manifest's kernel, for tests and fuzzers ===//

#include "TestCalls.h"

#include <algorithm>
#include <limits>

#include <stdexcept>
#include <vector>

namespace moda::test {

using runtime::formatString;

moda_tensor &Call::add(const char *name, int dtype, std::vector<int64_t> shape,
                       uintptr_t address) {
  shapes.push_back(std::move(shape));
  tensors.push_back({name, dtype, static_cast<int>(shapes.back().size()),
                     shapes.back().data(), nullptr,
                     reinterpret_cast<void *>(address)});
  return tensors.back();
}

moda_tensor &Call::operator[](const char *name) {
  for (moda_tensor &tensor : tensors)
    if (tensor.name && std::string(tensor.name) == name)
      return tensor;
  throw std::out_of_range(std::string("the call has no tensor ") + name);
}

Call makeCall(const runtime::Manifest &manifest,
              const std::array<int64_t, MODA_NUM_SYMBOLS> &sizes) {
  Call call;
  uintptr_t address = 0x100000;
  for (const runtime::TensorSpec &spec : manifest.tensors) {
    std::vector<int64_t> shape;
    for (const runtime::Dimension &dimension : spec.shape) {
      int64_t extent = dimension.extent;
      // A fuzzed size near INT64_MAX plus the offsets' 1 saturates: the
      // runtime then refuses the extent, as it must.
      if (dimension.isSymbolic() &&
          __builtin_add_overflow(sizes[dimension.symbol], dimension.addend,
                                 &extent))
        extent = std::numeric_limits<int64_t>::max();
      shape.push_back(extent);
    }
    call.add(spec.name.c_str(), spec.dtype, std::move(shape), address);
    address += 0x100000;
  }
  return call;
}

std::array<int64_t, MODA_NUM_SYMBOLS>
callSizes(const runtime::Manifest &manifest,
          const std::array<int64_t, MODA_NUM_SYMBOLS> &sizes) {
  std::array<int64_t, MODA_NUM_SYMBOLS> given;
  given.fill(-1);
  if (manifest.packed)
    given[MODA_SYMBOL_T] = sizes[MODA_SYMBOL_T];
  if (manifest.paged())
    given[MODA_SYMBOL_S] = sizes[MODA_SYMBOL_S];
  return given;
}

namespace {

/// The element count of `tensor`: the plan succeeded, so it fits int64_t.
uint64_t elementCount(const moda_tensor &tensor) {
  uint64_t count = 1;
  for (int d = 0; d < tensor.rank; ++d)
    count *= static_cast<uint64_t>(tensor.shape[d]);
  return count;
}

/// The strides a kernel that takes `tensor` as a view gets: the caller's
/// (dense where NULL), 0 for a dimension of extent at most 1 and for an
/// empty tensor.
std::vector<int64_t> viewStrides(const moda_tensor &tensor) {
  std::vector<int64_t> strides(tensor.rank, 0);
  if (elementCount(tensor) == 0)
    return strides;
  int64_t dense = 1;
  for (int d = tensor.rank - 1; d >= 0; --d) {
    if (tensor.shape[d] > 1)
      strides[d] = tensor.strides ? tensor.strides[d] : dense;
    dense *= tensor.shape[d];
  }
  return strides;
}

/// The elements from a view's first to its last (0 when it is empty).
uint64_t viewSpan(const moda_tensor &tensor) {
  if (elementCount(tensor) == 0)
    return 0;
  std::vector<int64_t> strides = viewStrides(tensor);
  uint64_t span = 1;
  for (int d = 0; d < tensor.rank; ++d)
    span += static_cast<uint64_t>(tensor.shape[d] - 1) *
            static_cast<uint64_t>(strides[d]);
  return span;
}

const moda_tensor *findTensor(const moda_tensor *tensors, int numTensors,
                              const std::string &name) {
  for (int i = 0; i < numTensors; ++i)
    if (name == tensors[i].name)
      return &tensors[i];
  return nullptr;
}

std::string checkParameters(const runtime::Manifest &manifest,
                            const moda_tensor *tensors, int numTensors,
                            const runtime::LaunchPlan &plan) {
  std::vector<uint64_t> expected;
  for (const runtime::KernelParameter &parameter : manifest.parameters) {
    if (parameter.kind == runtime::KernelParameter::Kind::Size) {
      expected.push_back(static_cast<uint64_t>(plan.sizes[parameter.symbol]));
      continue;
    }
    const runtime::TensorSpec &spec = manifest.tensors[parameter.tensorIndex];
    const moda_tensor *tensor = findTensor(tensors, numTensors, spec.name);
    if (!tensor)
      return "the plan succeeded without tensor " + spec.name;
    if (parameter.kind == runtime::KernelParameter::Kind::Stride) {
      expected.push_back(
          static_cast<uint64_t>(viewStrides(*tensor)[parameter.dim]));
      continue;
    }
    uint64_t address = reinterpret_cast<uintptr_t>(tensor->data);
    uint64_t size = spec.strided ? viewSpan(*tensor) : elementCount(*tensor);
    for (uint64_t value : {address, address, uint64_t(0), size, uint64_t(1)})
      expected.push_back(value);
  }
  if (plan.parameterValues.size() != expected.size())
    return formatString("the plan has %zu parameter values, the ABI %zu",
                        plan.parameterValues.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    if (plan.parameterValues[i] != expected[i])
      return formatString("parameter value %zu is %llu but the ABI needs %llu",
                          i, static_cast<unsigned long long>(plan.parameterValues[i]),
                          static_cast<unsigned long long>(expected[i]));
  return "";
}

std::string checkGrid(const runtime::Manifest &manifest, size_t index,
                      const runtime::LaunchPlan &plan) {
  const runtime::Launch &launch = manifest.launches[index];
  const std::array<unsigned, 3> &grid = plan.launchGrids[index];
  for (size_t i = 0; i < 3; ++i) {
    const runtime::GridDimension &formula = launch.grid[i];
    // In 128 bits: no product of three int64_t sizes overflows there.
    unsigned __int128 work = static_cast<unsigned __int128>(formula.constant);
    int64_t divisor = 1;
    // A packed kernel's blocks loop over their sequence's blocks: its grid
    // counts T and S as at least 1.
    auto size = [&](int symbol) -> uint64_t {
      int64_t value = plan.sizes[symbol];
      if (manifest.packed &&
          (symbol == MODA_SYMBOL_T || symbol == MODA_SYMBOL_S))
        value = std::max<int64_t>(value, 1);
      return static_cast<uint64_t>(value);
    };
    if (formula.symbol >= 0) {
      work = static_cast<unsigned __int128>(size(formula.symbol)) *
             static_cast<uint64_t>(formula.multiplier);
      if (formula.times >= 0)
        work *= size(formula.times);
      divisor = formula.divisor;
    }
    unsigned __int128 blocks = grid[i];
    if (blocks * static_cast<uint64_t>(divisor) < work ||
        (blocks > 0 && (blocks - 1) * static_cast<uint64_t>(divisor) >= work))
      return formatString("launch %zu: grid[%zu] = %u is not ceil of its "
                          "formula's work",
                          index, i, grid[i]);
  }
  // A split-KV forward's split kernel runs kv_splits blocks per head.
  bool splitKernel = !manifest.isGrad() && manifest.splitsKeys() &&
                     launch.entry == manifest.entry;
  int64_t heads = manifest.numKvHeads * (splitKernel ? manifest.kvSplits : 1);
  if (static_cast<int64_t>(grid[1]) != heads)
    return formatString("launch %zu: grid[1] = %u but Hk%s = %lld", index,
                        grid[1], splitKernel ? " * kv_splits" : "",
                        static_cast<long long>(heads));
  if (static_cast<int64_t>(grid[2]) != plan.sizes[MODA_SYMBOL_B])
    return formatString("launch %zu: grid[2] = %u but B = %lld", index,
                        grid[2],
                        static_cast<long long>(plan.sizes[MODA_SYMBOL_B]));
  return "";
}

} // namespace

std::string checkPlan(const runtime::Manifest &manifest,
                      const moda_tensor *tensors, int numTensors,
                      const runtime::LaunchPlan &plan) {
  if (std::string violation =
          checkParameters(manifest, tensors, numTensors, plan);
      !violation.empty())
    return violation;
  if (plan.launchGrids.size() != manifest.launches.size())
    return "the plan has another number of launches than the manifest";
  if (plan.nothingToDo)
    return "";
  for (size_t l = 0; l < manifest.launches.size(); ++l)
    if (std::string violation = checkGrid(manifest, l, plan);
        !violation.empty())
      return violation;
  return "";
}

} // namespace moda::test
