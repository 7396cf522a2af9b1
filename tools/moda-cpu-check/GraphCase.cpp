//===- GraphCase.cpp - a whole model graph on the host ---------------------===//

#include "GraphCase.h"
#include "GraphInterpreter.h"
#include "HostBuffer.h"
#include "HostEngine.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallPtrSet.h"

#include <cstdlib>
#include <random>

using namespace moda;
using namespace moda::cpucheck;

bool GraphResult::passed() const {
  if (!error.empty() || results.empty())
    return false;
  return llvm::all_of(results, [&](const GraphResultError &r) {
    return r.error <= tolerance;
  });
}

namespace {

/// The exact values of a returned memref (any strides), row-major.
std::vector<double> readResult(ElementType type, void *aligned, int64_t offset,
                               llvm::ArrayRef<int64_t> sizes,
                               llvm::ArrayRef<int64_t> strides) {
  int64_t count = 1;
  for (int64_t size : sizes)
    count *= size;
  Buffer result(type, count);
  size_t bytes = type == ElementType::F32 ? 4 : 2;
  for (int64_t i = 0; i < count; ++i) {
    int64_t element = offset, rest = i;
    for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
      element += (rest % sizes[d]) * strides[d];
      rest /= sizes[d];
    }
    std::memcpy(static_cast<char *>(result.data()) + i * bytes,
                static_cast<char *>(aligned) + element * bytes, bytes);
  }
  result.readBack();
  return result.values;
}

} // namespace

GraphResult moda::cpucheck::runGraphOnHost(mlir::MLIRContext &context,
                                           mlir::ModuleOp module,
                                           uint64_t seed) {
  GraphResult result;
  mlir::func::FuncOp function;
  for (auto candidate : module.getOps<mlir::func::FuncOp>()) {
    if (candidate.isPrivate() || candidate.isExternal())
      continue;
    if (function) {
      result.error = "the module has more than one public function";
      return result;
    }
    function = candidate;
  }
  if (!function) {
    result.error = "the module has no public function with a body";
    return result;
  }
  result.function = function.getName().str();
  if (function.getBody().getBlocks().size() != 1) {
    result.error = "the function has more than one block";
    return result;
  }

  // The inputs: fresh random values of each argument's type (static).
  std::mt19937_64 rng(seed);
  std::vector<Buffer> inputs;
  std::vector<Tensor64> inputValues;
  std::vector<mlir::RankedTensorType> argumentTypes;
  for (mlir::Type type : function.getArgumentTypes()) {
    auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
    std::optional<ElementType> element =
        tensor ? elementTypeOf(tensor.getElementType()) : std::nullopt;
    if (!tensor || !tensor.hasStaticShape() || !element) {
      result.error = "every argument must be a static tensor of bf16, f16 or "
                     "f32";
      return result;
    }
    inputs.emplace_back(*element, tensor.getNumElements());
    inputs.back().fillRandom(rng);
    inputValues.push_back(
        Tensor64{*element, std::vector<int64_t>(tensor.getShape().begin(), tensor.getShape().end()), inputs.back().values});
    argumentTypes.push_back(tensor);
  }
  for (mlir::Type type : function.getResultTypes()) {
    auto tensor = llvm::dyn_cast<mlir::RankedTensorType>(type);
    if (!tensor || !tensor.hasStaticShape() ||
        !elementTypeOf(tensor.getElementType())) {
      result.error = "every result must be a static tensor of bf16, f16 or "
                     "f32";
      return result;
    }
  }
  // The tolerance of the graph's first attention's element type; lse
  // results are judged as the out of their attention.
  function.walk([&](mlir::moda::AttentionOp op) {
    if (result.tolerance == 0)
      result.tolerance = toleranceFor(
          *elementTypeOf(op.getQ().getType().getElementType()));
  });
  if (result.tolerance == 0) {
    result.error = "the function has no moda.attention";
    return result;
  }
  std::vector<bool> isLse;
  auto ret = llvm::cast<mlir::func::ReturnOp>(
      function.getBody().front().getTerminator());
  for (mlir::Value value : ret.getOperands()) {
    auto attention = value.getDefiningOp<mlir::moda::AttentionOp>();
    isLse.push_back(attention && value == attention.getLse());
  }

  std::optional<std::vector<Tensor64>> expected =
      interpretGraph(function, inputValues, result.error);
  if (!expected)
    return result;

  // The graph compiled whole for the host.
  mlir::OwningOpRef<mlir::ModuleOp> compiled = module.clone();
  std::unique_ptr<mlir::ExecutionEngine> engine =
      compileForHost(context, *compiled, result.error);
  if (!engine)
    return result;

  // Each argument a dense memref descriptor (allocated, aligned, offset,
  // sizes, strides: one packed pointer per field); the results one struct
  // of their descriptors, written where the last packed pointer points.
  std::vector<std::vector<int64_t>> descriptors;
  llvm::SmallVector<void *> packed;
  for (auto [buffer, type] : llvm::zip_equal(inputs, argumentTypes)) {
    std::vector<int64_t> fields = {
        int64_t(reinterpret_cast<intptr_t>(buffer.data())),
        int64_t(reinterpret_cast<intptr_t>(buffer.data())), 0};
    llvm::append_range(fields, type.getShape());
    int64_t stride = 1;
    std::vector<int64_t> strides(type.getRank());
    for (int64_t d = type.getRank() - 1; d >= 0; --d) {
      strides[d] = stride;
      stride *= type.getDimSize(d);
    }
    llvm::append_range(fields, strides);
    descriptors.push_back(std::move(fields));
  }
  for (std::vector<int64_t> &fields : descriptors)
    for (int64_t &field : fields)
      packed.push_back(&field);
  size_t resultFields = 0;
  for (mlir::Type type : function.getResultTypes())
    resultFields += 3 + 2 * llvm::cast<mlir::RankedTensorType>(type).getRank();
  std::vector<int64_t> returned(resultFields);
  if (resultFields)
    packed.push_back(returned.data());
  if (llvm::Error error =
          engine->invokePacked(result.function, packed)) {
    result.error = llvm::toString(std::move(error));
    return result;
  }

  // The results the graph allocated are the caller's to free (the host
  // pipeline frees everything else; a result may also be an argument's
  // buffer, or two results one allocation).
  llvm::SmallPtrSet<void *, 4> ownedResults;
  llvm::scope_exit freeResults([&] {
    for (void *allocated : ownedResults)
      std::free(allocated);
  });
  {
    size_t field = 0;
    for (mlir::Type type : function.getResultTypes()) {
      void *allocated = reinterpret_cast<void *>(intptr_t(returned[field]));
      if (allocated && llvm::none_of(inputs, [&](Buffer &input) {
            return input.data() == allocated;
          }))
        ownedResults.insert(allocated);
      field += 3 + 2 * llvm::cast<mlir::RankedTensorType>(type).getRank();
    }
  }

  size_t next = 0;
  for (auto [index, type] : llvm::enumerate(function.getResultTypes())) {
    auto tensor = llvm::cast<mlir::RankedTensorType>(type);
    int64_t rank = tensor.getRank();
    void *aligned = reinterpret_cast<void *>(intptr_t(returned[next + 1]));
    int64_t offset = returned[next + 2];
    llvm::ArrayRef<int64_t> sizes(&returned[next + 3], rank);
    llvm::ArrayRef<int64_t> strides(&returned[next + 3 + rank], rank);
    next += 3 + 2 * rank;
    if (sizes != tensor.getShape()) {
      result.error = "result " + std::to_string(index) +
                     " came back with other sizes than its type's";
      return result;
    }
    std::vector<double> actual =
        readResult(*elementTypeOf(tensor.getElementType()), aligned, offset,
                   sizes, strides);
    const std::vector<double> &want = (*expected)[index].values;
    double error =
        isLse[index]
            ? reference::lseError(actual.data(), want.data(), actual.size())
            : reference::relativeError(actual.data(), want.data(),
                                       actual.size());
    result.results.push_back(
        {unsigned(index), isLse[index] ? "lse" : "out", error});
  }
  return result;
}
