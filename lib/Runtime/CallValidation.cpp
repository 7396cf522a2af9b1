//===- CallValidation.cpp - check a call against the manifest -------------===//

#include "CallValidation.h"

#include "Checked.h"

#include <algorithm>
#include <limits>

namespace moda::runtime {

namespace {

/// CUDA's limits on grid dimensions x and y/z.
constexpr int64_t kMaxGridX = std::numeric_limits<int32_t>::max();
constexpr int64_t kMaxGridYZ = 65535;

std::string listTensorNames(const Manifest &manifest) {
  std::string names;
  for (const TensorSpec &spec : manifest.tensors)
    names += (names.empty() ? "" : ", ") + spec.name;
  return names;
}

int64_t elementSize(moda_dtype dtype) {
  return dtype == MODA_F32 || dtype == MODA_I32 ? 4 : 2;
}

/// Where a size symbol got its value, for messages about contradictions.
struct Binding {
  int64_t value = -1;
  std::string tensor; // empty: the call's sizes
  size_t dimension = 0;

  /// "tensor q dimension 1", or "the call's sizes".
  std::string describe() const {
    return tensor.empty() ? "the call's sizes"
                          : "tensor " + tensor + " dimension " +
                                std::to_string(dimension);
  }
};

class CallValidator {
public:
  CallValidator(const Manifest &manifest, LaunchPlan &plan)
      : manifest(manifest), plan(plan) {}

  Error validate(const moda_tensor *tensors, int numTensors,
                 const int64_t *sizes) {
    std::vector<const moda_tensor *> ordered;
    Error error = bindCallerSizes(sizes);
    if (!error.failed())
      error = matchTensors(tensors, numTensors, ordered);
    for (size_t i = 0; i < ordered.size() && !error.failed(); ++i)
      error = checkTensor(manifest.tensors[i], *ordered[i]);
    if (!error.failed())
      error = bindUnusedSymbols();
    if (!error.failed())
      error = checkVariantSizes();
    if (!error.failed())
      error = buildParameters(ordered);
    if (!error.failed())
      error = computeGrid();
    return error;
  }

private:
  const Manifest &manifest;
  LaunchPlan &plan;
  std::array<Binding, MODA_NUM_SYMBOLS> bindings;
  std::vector<int64_t> elementCounts; // per manifest tensor
  /// Per manifest tensor: the elements from its first to its last (its
  /// buffer's extent), and, for a view, the strides the kernels get.
  std::vector<int64_t> spanCounts;
  std::vector<std::vector<int64_t>> viewStrides;

  /// The sizes the caller gives (`sizes[symbol]` >= 0), which the tensors
  /// that carry them must then agree with.
  Error bindCallerSizes(const int64_t *sizes) {
    if (!sizes)
      return Error();
    for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol) {
      int64_t size = sizes[symbol];
      if (size < 0)
        continue;
      if (symbol == MODA_SYMBOL_N && !manifest.packed && !manifest.paged())
        return makeError(MODA_ERROR_INVALID_ARGUMENT,
                         "sizes[N] is %lld but kernel %s does not take "
                         "packed sequences or a paged KV cache (pass -1)",
                         static_cast<long long>(size), manifest.entry.c_str());
      int64_t fixed = manifest.fixedSizes[symbol];
      if (fixed >= 0 && size != fixed)
        return makeError(MODA_ERROR_SIZE_MISMATCH,
                         "sizes[%s] is %lld but the manifest fixes %s = %lld",
                         symbolName(symbol), static_cast<long long>(size),
                         symbolName(symbol), static_cast<long long>(fixed));
      bindings[symbol] = Binding{size, "", 0};
      plan.sizes[symbol] = size;
    }
    return Error();
  }

  /// Puts the caller's tensors in manifest order; each exactly once.
  Error matchTensors(const moda_tensor *tensors, int numTensors,
                     std::vector<const moda_tensor *> &ordered) {
    if (numTensors > 0 && !tensors)
      return makeError(MODA_ERROR_INVALID_ARGUMENT,
                       "tensors is NULL but num_tensors is %d", numTensors);
    if (numTensors != static_cast<int>(manifest.tensors.size()))
      return makeError(MODA_ERROR_INVALID_ARGUMENT,
                       "kernel %s takes %zu tensors (%s) but the call passes %d",
                       manifest.entry.c_str(), manifest.tensors.size(),
                       listTensorNames(manifest).c_str(), numTensors);
    ordered.assign(manifest.tensors.size(), nullptr);
    for (int i = 0; i < numTensors; ++i) {
      if (!tensors[i].name)
        return makeError(MODA_ERROR_INVALID_ARGUMENT,
                         "tensors[%d].name is NULL", i);
      int index = manifest.findTensor(tensors[i].name);
      if (index < 0)
        return makeError(MODA_ERROR_INVALID_ARGUMENT,
                         "tensors[%d] is named \"%s\"; kernel %s takes %s", i,
                         tensors[i].name, manifest.entry.c_str(),
                         listTensorNames(manifest).c_str());
      if (ordered[index])
        return makeError(MODA_ERROR_INVALID_ARGUMENT,
                         "tensor \"%s\" is passed twice", tensors[i].name);
      ordered[index] = &tensors[i];
    }
    return Error();
  }

  Error checkTensor(const TensorSpec &spec, const moda_tensor &tensor) {
    const char *name = spec.name.c_str();
    if (tensor.dtype != spec.dtype)
      return makeError(MODA_ERROR_DTYPE,
                       "tensor %s has dtype %s (%d) but kernel %s needs %s",
                       name, dtypeName(tensor.dtype), tensor.dtype,
                       manifest.entry.c_str(), dtypeName(spec.dtype));
    if (tensor.rank != static_cast<int>(spec.shape.size()))
      return makeError(MODA_ERROR_SHAPE, "tensor %s has rank %d but needs %zu",
                       name, tensor.rank, spec.shape.size());
    if (!tensor.shape)
      return makeError(MODA_ERROR_INVALID_ARGUMENT, "tensor %s: shape is NULL",
                       name);
    int64_t elements = 1;
    for (size_t d = 0; d < spec.shape.size(); ++d) {
      Error error = checkDimension(spec, d, tensor.shape[d]);
      if (error.failed())
        return error;
      if (!checkedMultiply(elements, tensor.shape[d], elements))
        return makeError(MODA_ERROR_SHAPE, "tensor %s is too large", name);
    }
    // Its size in bytes must be representable too (the kernel indexes it
    // with 64-bit byte offsets).
    int64_t bytes;
    if (!checkedMultiply(elements, elementSize(spec.dtype), bytes))
      return makeError(MODA_ERROR_SHAPE, "tensor %s is too large", name);
    elementCounts.push_back(elements);
    spanCounts.push_back(elements);
    viewStrides.emplace_back();
    Error error = spec.strided ? checkViewStrides(spec, tensor, elements)
                               : checkStrides(spec, tensor, elements);
    if (error.failed())
      return error;
    if (elements == 0)
      return Error(); // never dereferenced: any pointer will do
    if (!tensor.data)
      return makeError(MODA_ERROR_INVALID_ARGUMENT,
                       "tensor %s: data is NULL but the tensor has %lld "
                       "elements",
                       name, static_cast<long long>(elements));
    uintptr_t address = reinterpret_cast<uintptr_t>(tensor.data);
    if (address % kRequiredAlignment != 0)
      return makeError(MODA_ERROR_ALIGNMENT,
                       "tensor %s: data pointer %p is not %zu-byte aligned", name,
                       tensor.data, static_cast<size_t>(kRequiredAlignment));
    return Error();
  }

  Error checkDimension(const TensorSpec &spec, size_t d, int64_t extent) {
    const Dimension &dimension = spec.shape[d];
    const char *name = spec.name.c_str();
    if (extent < 0)
      return makeError(MODA_ERROR_SHAPE,
                       "tensor %s: dimension %zu (%s) is negative (%lld)", name,
                       d, dimension.label, static_cast<long long>(extent));
    if (!dimension.isSymbolic()) {
      if (extent != dimension.extent)
        return makeError(MODA_ERROR_SHAPE,
                         "tensor %s: dimension %zu (%s) is %lld but kernel %s "
                         "needs %lld",
                         name, d, dimension.label,
                         static_cast<long long>(extent), manifest.entry.c_str(),
                         static_cast<long long>(dimension.extent));
      return Error();
    }
    int symbol = dimension.symbol;
    // cu_seqlens holds B + 1 offsets: at least one.
    if (extent < dimension.addend)
      return makeError(MODA_ERROR_SHAPE,
                       "tensor %s: dimension %zu (%s) is %lld but must be at "
                       "least %lld",
                       name, d, dimension.label, static_cast<long long>(extent),
                       static_cast<long long>(dimension.addend));
    extent -= dimension.addend;
    Binding &binding = bindings[symbol];
    if (binding.value >= 0) {
      if (extent != binding.value)
        return makeError(MODA_ERROR_SIZE_MISMATCH,
                         "size %s is %lld from %s but %lld from tensor %s "
                         "dimension %zu",
                         symbolName(symbol),
                         static_cast<long long>(binding.value),
                         binding.describe().c_str(),
                         static_cast<long long>(extent), name, d);
      return Error();
    }
    int64_t fixed = manifest.fixedSizes[symbol];
    if (fixed >= 0 && extent != fixed)
      return makeError(MODA_ERROR_SIZE_MISMATCH,
                       "tensor %s: dimension %zu (%s) is %lld but the manifest "
                       "fixes %s = %lld",
                       name, d, symbolName(symbol),
                       static_cast<long long>(extent), symbolName(symbol),
                       static_cast<long long>(fixed));
    binding = Binding{extent, spec.name, d};
    plan.sizes[symbol] = extent;
    return Error();
  }

  /// Only dense row-major tensors are supported; the stride of a dimension
  /// of extent 1 never matters, so any value is accepted there, and an
  /// empty tensor (`elements` = 0) has no layout to check (as PyTorch's
  /// is_contiguous says). Checking it anyway would multiply the extents
  /// right of its zero, whose product may overflow.
  Error checkStrides(const TensorSpec &spec, const moda_tensor &tensor,
                     int64_t elements) {
    if (!tensor.strides || elements == 0)
      return Error(); // NULL means dense row-major
    int64_t expected = 1;
    for (int d = tensor.rank - 1; d >= 0; --d) {
      if (tensor.shape[d] != 1 && tensor.strides[d] != expected)
        return makeError(MODA_ERROR_STRIDE,
                         "tensor %s: stride of dimension %d (%s) is %lld but "
                         "the dense row-major layout needs %lld; only dense "
                         "contiguous tensors are supported (make it contiguous "
                         "first)",
                         spec.name.c_str(), d, spec.shape[d].label,
                         static_cast<long long>(tensor.strides[d]),
                         static_cast<long long>(expected));
      // A divisor of the (non-zero) element count: it cannot overflow.
      expected *= tensor.shape[d];
    }
    return Error();
  }

  /// A tensor the kernels take as a view (TensorSpec::strided): any strides
  /// (NULL: dense row-major) whose innermost is 1 and whose others are
  /// non-negative multiples of 16 bytes (the kernels copy rows 16 bytes at a
  /// time); an output's elements must not overlap (an input's may: a
  /// broadcast is a stride of 0). The stride of a dimension of extent 1 is
  /// never multiplied by a non-zero index: the kernels get 0 there.
  Error checkViewStrides(const TensorSpec &spec, const moda_tensor &tensor,
                         int64_t elements) {
    const char *name = spec.name.c_str();
    int rank = tensor.rank;
    std::vector<int64_t> strides(rank, 0);
    viewStrides.back() = strides;
    if (elements == 0)
      return Error(); // never dereferenced: nothing to check
    // A divisor of the (non-zero, checked) element count: no overflow.
    int64_t dense = 1;
    for (int d = rank - 1; d >= 0; --d) {
      if (tensor.shape[d] > 1)
        strides[d] = tensor.strides ? tensor.strides[d] : dense;
      dense *= tensor.shape[d];
    }
    viewStrides.back() = strides;
    int64_t elementsPerChunk = kRequiredAlignment / elementSize(spec.dtype);
    if (tensor.shape[rank - 1] > 1 && strides[rank - 1] != 1)
      return makeError(MODA_ERROR_STRIDE,
                       "tensor %s: the innermost dimension (%s) must be "
                       "contiguous (stride 1), got stride %lld",
                       name, spec.shape[rank - 1].label,
                       static_cast<long long>(strides[rank - 1]));
    int64_t span = 1;
    for (int d = 0; d < rank - 1; ++d) {
      if (strides[d] < 0 || strides[d] % elementsPerChunk != 0)
        return makeError(MODA_ERROR_STRIDE,
                         "tensor %s: stride of dimension %d (%s) is %lld; a "
                         "view's strides must be non-negative multiples of "
                         "%lld elements (16 bytes)",
                         name, d, spec.shape[d].label,
                         static_cast<long long>(strides[d]),
                         static_cast<long long>(elementsPerChunk));
    }
    for (int d = 0; d < rank; ++d) {
      int64_t reach;
      if (!checkedMultiply(tensor.shape[d] - 1, strides[d], reach) ||
          !checkedAdd(span, reach, span))
        return makeError(MODA_ERROR_SHAPE, "tensor %s is too large", name);
    }
    int64_t bytes;
    if (!checkedMultiply(span, elementSize(spec.dtype), bytes))
      return makeError(MODA_ERROR_SHAPE, "tensor %s is too large", name);
    spanCounts.back() = span;
    if (spec.role == MODA_ROLE_OUTPUT)
      return checkNoOverlap(spec, tensor, strides);
    return Error();
  }

  /// An output view's elements are distinct: ordered by stride, each
  /// dimension steps past everything the dimensions inside it reach.
  Error checkNoOverlap(const TensorSpec &spec, const moda_tensor &tensor,
                       const std::vector<int64_t> &strides) {
    std::vector<int> dims;
    for (int d = 0; d < tensor.rank; ++d)
      if (tensor.shape[d] > 1)
        dims.push_back(d);
    std::sort(dims.begin(), dims.end(),
              [&](int a, int b) { return strides[a] < strides[b]; });
    int64_t reach = 0; // the largest offset the inner dimensions reach
    for (int d : dims) {
      if (strides[d] <= reach)
        return makeError(MODA_ERROR_STRIDE,
                         "tensor %s: output elements overlap (stride %lld of "
                         "dimension %d (%s) must exceed %lld, the farthest "
                         "offset the dimensions with smaller strides reach)",
                         spec.name.c_str(), static_cast<long long>(strides[d]),
                         d, spec.shape[d].label,
                         static_cast<long long>(reach));
      // Bounded by the span checked before.
      reach += (tensor.shape[d] - 1) * strides[d];
    }
    return Error();
  }

  /// The ABI passes S = 0 without sequence keys and L = 0 without depth.
  /// No tensor of a packed kernel carries T (the caller's max_seqlen), and
  /// its S is T with sequence keys (getStaticSizes in
  /// lib/Conversion/ModaToKernel gives both the one value).
  Error bindUnusedSymbols() {
    if (manifest.packed) {
      if (bindings[MODA_SYMBOL_T].value < 0)
        return makeError(MODA_ERROR_INVALID_ARGUMENT,
                         "kernel %s takes packed sequences: pass T, the "
                         "longest sequence's length (max_seqlen), in sizes "
                         "(moda_kernel_launch_sized)",
                         manifest.entry.c_str());
      int64_t keys = manifest.findTensor("k") >= 0 ? plan.sizes[MODA_SYMBOL_T]
                                                   : 0;
      if (bindings[MODA_SYMBOL_S].value >= 0 &&
          bindings[MODA_SYMBOL_S].value != keys)
        return makeError(MODA_ERROR_SIZE_MISMATCH,
                         "sizes[S] is %lld but a packed kernel's S is %lld "
                         "(T with sequence keys, else 0)",
                         static_cast<long long>(bindings[MODA_SYMBOL_S].value),
                         static_cast<long long>(keys));
      bindings[MODA_SYMBOL_S] = Binding{keys, "", 0};
      plan.sizes[MODA_SYMBOL_S] = keys;
    }
    // No tensor of a paged kernel carries S (k and v are the pool): the
    // caller gives the keys each batch entry has cached, which its block
    // table's row of pages must hold.
    if (manifest.paged()) {
      int64_t keys = bindings[MODA_SYMBOL_S].value;
      if (keys < 0)
        return makeError(MODA_ERROR_INVALID_ARGUMENT,
                         "kernel %s reads a paged KV cache: pass S, the keys "
                         "each batch entry has cached, in sizes "
                         "(moda_kernel_launch_sized)",
                         manifest.entry.c_str());
      if (keys > 0 && plan.sizes[MODA_SYMBOL_N] == 0)
        return makeError(MODA_ERROR_SIZE_MISMATCH,
                         "sizes[S] is %lld but the pool of k and v has no page "
                         "(N = 0)",
                         static_cast<long long>(keys));
      if (keys > manifest.pagesPerEntry * manifest.pageSize)
        return makeError(MODA_ERROR_SIZE_MISMATCH,
                         "sizes[S] is %lld but the block table's %lld pages "
                         "of %lld keys per batch entry hold at most %lld",
                         static_cast<long long>(keys),
                         static_cast<long long>(manifest.pagesPerEntry),
                         static_cast<long long>(manifest.pageSize),
                         static_cast<long long>(manifest.pagesPerEntry *
                                                manifest.pageSize));
    }
    for (int symbol = 0; symbol < MODA_NUM_SYMBOLS; ++symbol)
      if (bindings[symbol].value < 0)
        plan.sizes[symbol] = std::max<int64_t>(manifest.fixedSizes[symbol], 0);
    return Error();
  }

  Error checkVariantSizes() {
    if (manifest.visibility == MODA_VISIBILITY_CHUNK &&
        plan.sizes[MODA_SYMBOL_S] != plan.sizes[MODA_SYMBOL_T])
      return makeError(MODA_ERROR_SIZE_MISMATCH,
                       "chunk visibility needs S == T, but S = %lld and T = "
                       "%lld",
                       static_cast<long long>(plan.sizes[MODA_SYMBOL_S]),
                       static_cast<long long>(plan.sizes[MODA_SYMBOL_T]));
    return Error();
  }

  Error buildParameters(const std::vector<const moda_tensor *> &ordered) {
    plan.parameterValues.clear();
    for (const KernelParameter &parameter : manifest.parameters) {
      if (parameter.kind == KernelParameter::Kind::Size) {
        plan.parameterValues.push_back(
            static_cast<uint64_t>(plan.sizes[parameter.symbol]));
        continue;
      }
      if (parameter.kind == KernelParameter::Kind::Stride) {
        plan.parameterValues.push_back(static_cast<uint64_t>(
            viewStrides[parameter.tensorIndex][parameter.dim]));
        continue;
      }
      // A 1-D memref descriptor: allocated, aligned, offset, size, stride
      // (the size: every element from the first to the last).
      uint64_t address = reinterpret_cast<uintptr_t>(
          ordered[parameter.tensorIndex]->data);
      uint64_t elements =
          static_cast<uint64_t>(spanCounts[parameter.tensorIndex]);
      for (uint64_t value : {address, address, uint64_t(0), elements,
                             uint64_t(1)})
        plan.parameterValues.push_back(value);
    }
    return Error();
  }

  /// The size `symbol` as the grid counts it: a packed kernel's blocks loop
  /// over their sequence's query blocks, so any T (max_seqlen), even 0,
  /// gets at least one block per sequence, as the compiler's launchers do
  /// (getGridSizes in lib/Conversion/ModaToTile).
  int64_t gridSize(int symbol) const {
    int64_t size = plan.sizes[symbol];
    if (manifest.packed &&
        (symbol == MODA_SYMBOL_T || symbol == MODA_SYMBOL_S))
      return std::max<int64_t>(size, 1);
    return size;
  }

  Error computeLaunchGrid(const Launch &launch, std::array<unsigned, 3> &grid,
                          bool &anyEmpty) {
    anyEmpty = false;
    for (size_t i = 0; i < 3; ++i) {
      const GridDimension &formula = launch.grid[i];
      int64_t extent = formula.constant;
      if (formula.symbol >= 0) {
        int64_t numerator = gridSize(formula.symbol);
        if ((formula.times >= 0 &&
             !checkedMultiply(numerator, gridSize(formula.times),
                              numerator)) ||
            !checkedMultiply(numerator, formula.multiplier, numerator))
          return makeError(MODA_ERROR_SHAPE,
                           "grid dimension %zu of kernel %s overflows 64 "
                           "bits; the sizes are too large for this kernel",
                           i, launch.entry.c_str());
        extent = ceilDivide(numerator, formula.divisor);
      }
      int64_t limit = i == 0 ? kMaxGridX : kMaxGridYZ;
      if (extent > limit)
        return makeError(MODA_ERROR_SHAPE,
                         "grid dimension %zu of kernel %s is %lld, above "
                         "CUDA's limit of %lld; the sizes are too large for "
                         "this kernel",
                         i, launch.entry.c_str(), static_cast<long long>(extent),
                         static_cast<long long>(limit));
      anyEmpty |= extent == 0;
      grid[i] = static_cast<unsigned>(extent);
    }
    return Error();
  }

  Error computeGrid() {
    bool anyEmpty = false;
    plan.launchGrids.assign(manifest.launches.size(), {{0, 0, 0}});
    for (size_t l = 0; l < manifest.launches.size(); ++l) {
      bool empty = false;
      if (Error error = computeLaunchGrid(manifest.launches[l],
                                          plan.launchGrids[l], empty);
          error.failed())
        return error;
      // Only the first kernel's grid says whether the call has work: the
      // backward's dkv / d_depth grids are empty exactly when their
      // gradients are (S = 0, L = 0).
      if (l == 0)
        anyEmpty = empty;
    }
    if (!plan.launchGrids.empty())
      plan.grid = plan.launchGrids.front();
    plan.block = manifest.block;
    plan.dynamicSharedMemory = manifest.dynamicSharedMemory;
    bool outputsEmpty = true;
    for (size_t i = 0; i < manifest.tensors.size(); ++i)
      if (manifest.tensors[i].role == MODA_ROLE_OUTPUT && elementCounts[i] > 0)
        outputsEmpty = false;
    // Packed: with no sequence (B = 0) no token is in one, and such tokens'
    // outputs are left as they are (docs/semantics.md).
    bool noSequence = manifest.packed && plan.sizes[MODA_SYMBOL_B] == 0;
    if (anyEmpty && !outputsEmpty && !noSequence)
      return makeError(MODA_ERROR_SHAPE,
                       "the grid is empty for B = %lld, T = %lld, S = %lld, "
                       "L = %lld but the outputs are not",
                       static_cast<long long>(plan.sizes[0]),
                       static_cast<long long>(plan.sizes[1]),
                       static_cast<long long>(plan.sizes[2]),
                       static_cast<long long>(plan.sizes[3]));
    plan.nothingToDo = outputsEmpty || noSequence;
    return Error();
  }
};

} // namespace

Error planLaunch(const Manifest &manifest, const moda_tensor *tensors,
                 int numTensors, const int64_t *sizes, LaunchPlan &plan) {
  plan = LaunchPlan();
  return CallValidator(manifest, plan).validate(tensors, numTensors, sizes);
}

} // namespace moda::runtime
