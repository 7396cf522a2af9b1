//===- GraphCase.cpp - a whole model graph on the host ---------------------===//

#include "GraphCase.h"
#include "HostBuffer.h"
#include "HostEngine.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cstdlib>
#include <deque>
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

std::optional<ElementType> elementTypeOf(mlir::Type type) {
  if (type.isBF16())
    return ElementType::BF16;
  if (type.isF16())
    return ElementType::F16;
  if (type.isF32())
    return ElementType::F32;
  return std::nullopt;
}

/// A tensor of the interpretation: its element type and the exact values it
/// holds, row-major.
struct Tensor64 {
  ElementType type;
  std::vector<int64_t> shape;
  std::vector<double> values;
};

/// A depth stream of the interpretation: the entries a read sees, oldest
/// first (with `window`, the most recent `capacity`).
struct Stream64 {
  std::deque<std::pair<std::vector<double>, std::vector<double>>> entries;
  /// An entry's shape [B, T, Hk, D], from the first append.
  std::vector<int64_t> entryShape;
};

/// `values` rounded to `type`, as a tensor of that type stores them.
std::vector<double> roundTo(ElementType type, const std::vector<double> &values) {
  Buffer rounded(type, values.size());
  for (size_t i = 0; i < values.size(); ++i)
    rounded.set(i, float(values[i]));
  return rounded.values;
}

/// The float64 interpretation of `function`'s body on `inputs`; fails with
/// a reason on an op it does not interpret.
class Interpreter {
public:
  std::string error;

  std::optional<std::vector<Tensor64>>
  run(mlir::func::FuncOp function, const std::vector<Tensor64> &inputs) {
    for (auto [argument, input] :
         llvm::zip_equal(function.getArguments(), inputs))
      tensors[argument] = input;
    mlir::Operation *terminator = nullptr;
    if (!interpretBlock(function.getBody().front(), terminator))
      return std::nullopt;
    std::vector<Tensor64> results;
    for (mlir::Value value : terminator->getOperands())
      results.push_back(tensors.lookup(value));
    return results;
  }

private:
  /// Interprets `block` up to its terminator, which it returns.
  bool interpretBlock(mlir::Block &block, mlir::Operation *&terminator) {
    for (mlir::Operation &op : block) {
      if (op.hasTrait<mlir::OpTrait::IsTerminator>()) {
        terminator = &op;
        return true;
      }
      if (!interpret(&op))
        return false;
    }
    error = "a block without a terminator";
    return false;
  }

  /// `to` takes the value `from` holds (a tensor, a stream or an index).
  void bind(mlir::Value to, mlir::Value from) {
    if (llvm::isa<mlir::moda::DepthStreamType>(from.getType()))
      streams[to] = streams.lookup(from);
    else if (from.getType().isIndex())
      indices[to] = indices.lookup(from);
    else
      tensors[to] = tensors.lookup(from);
  }

  /// A loop over layers with constant bounds: its body once per iteration.
  bool interpretLoop(mlir::scf::ForOp loop) {
    auto bound = [&](mlir::Value v) -> std::optional<int64_t> {
      auto it = indices.find(v);
      return it == indices.end() ? std::nullopt
                                 : std::optional<int64_t>(it->second);
    };
    std::optional<int64_t> lower = bound(loop.getLowerBound()),
                           upper = bound(loop.getUpperBound()),
                           step = bound(loop.getStep());
    if (!lower || !upper || !step || *step <= 0) {
      error = "the interpretation runs scf.for loops with constant bounds";
      return false;
    }
    for (auto [argument, init] :
         llvm::zip_equal(loop.getRegionIterArgs(), loop.getInitArgs()))
      bind(argument, init);
    for (int64_t i = *lower; i < *upper; i += *step) {
      indices[loop.getInductionVar()] = i;
      mlir::Operation *yield = nullptr;
      if (!interpretBlock(*loop.getBody(), yield))
        return false;
      for (auto [argument, next] :
           llvm::zip_equal(loop.getRegionIterArgs(), yield->getOperands()))
        bind(argument, next);
    }
    for (auto [result, argument] :
         llvm::zip_equal(loop.getResults(), loop.getRegionIterArgs()))
      bind(result, argument);
    return true;
  }

  bool interpret(mlir::Operation *op) {
    return llvm::TypeSwitch<mlir::Operation *, bool>(op)
        .Case([&](mlir::arith::ConstantIndexOp constant) {
          indices[constant] = constant.value();
          return true;
        })
        .Case([&](mlir::scf::ForOp loop) { return interpretLoop(loop); })
        .Case([&](mlir::moda::StreamEmptyOp empty) {
          streams[empty.getStream()] = Stream64();
          return true;
        })
        .Case([&](mlir::moda::StreamAppendOp append) {
          Stream64 stream = streams.lookup(append.getStream());
          mlir::moda::DepthStreamType type = append.getStream().getType();
          if (int64_t(stream.entries.size()) == type.getCapacity()) {
            if (!type.getWindow()) {
              // The compiled graph asserts here (and would end the process).
              error = "an append to a full depth stream (capacity " +
                      std::to_string(type.getCapacity()) + ")";
              return false;
            }
            stream.entries.pop_front();
          }
          stream.entryShape = tensors.lookup(append.getK()).shape;
          stream.entries.emplace_back(tensors.lookup(append.getK()).values,
                                      tensors.lookup(append.getV()).values);
          streams[append.getResult()] = std::move(stream);
          return true;
        })
        .Case([&](mlir::moda::StreamEntriesOp read) {
          const Stream64 &stream = streams[read.getStream()];
          auto type = llvm::cast<mlir::RankedTensorType>(
              read.getDepthK().getType());
          // [B, T, L, Hk, D] from L entries [B, T, Hk, D] (the appended
          // tensors' shape: the types may leave B and T dynamic).
          std::vector<int64_t> entry = stream.entryShape;
          if (entry.empty())
            entry = {type.getDimSize(0), type.getDimSize(1),
                     type.getDimSize(3), type.getDimSize(4)};
          if (llvm::any_of(entry, mlir::ShapedType::isDynamic)) {
            error = "an empty depth stream of dynamic entry shape is read";
            return false;
          }
          int64_t positions = entry[0] * entry[1];
          int64_t row = entry[2] * entry[3];
          int64_t entries = stream.entries.size();
          ElementType element = *elementTypeOf(type.getElementType());
          Tensor64 keys{element, {entry[0], entry[1], entries, entry[2], entry[3]},
                        std::vector<double>(positions * entries * row)};
          Tensor64 values = keys;
          for (int64_t p = 0; p < positions; ++p)
            for (int64_t l = 0; l < entries; ++l)
              for (int64_t i = 0; i < row; ++i) {
                int64_t to = (p * entries + l) * row + i;
                keys.values[to] = stream.entries[l].first[p * row + i];
                values.values[to] = stream.entries[l].second[p * row + i];
              }
          tensors[read.getDepthK()] = std::move(keys);
          tensors[read.getDepthV()] = std::move(values);
          return true;
        })
        .Case([&](mlir::moda::AttentionOp attention) {
          return interpretAttention(attention);
        })
        .Case([&](mlir::tensor::ExtractSliceOp slice) {
          return interpretSlice(slice);
        })
        .Default([&](mlir::Operation *other) {
          error = "the float64 interpretation knows moda.attention, the "
                  "moda.stream ops, index constants, scf.for and static "
                  "tensor.extract_slice, not " +
                  other->getName().getStringRef().str();
          return false;
        });
  }

  /// A slice with static offsets, sizes and unit strides.
  bool interpretSlice(mlir::tensor::ExtractSliceOp slice) {
    const Tensor64 &source = tensors[slice.getSource()];
    if (slice.getStaticOffsets().empty() ||
        llvm::any_of(slice.getStaticOffsets(), mlir::ShapedType::isDynamic) ||
        llvm::any_of(slice.getStaticSizes(), mlir::ShapedType::isDynamic) ||
        llvm::any_of(slice.getStaticStrides(), [](int64_t s) { return s != 1; }) ||
        slice.getStaticSizes().size() != source.shape.size()) {
      error = "the interpretation takes tensor.extract_slice with static "
              "offsets and sizes and unit strides, of its source's rank";
      return false;
    }
    llvm::ArrayRef<int64_t> offsets = slice.getStaticOffsets();
    llvm::ArrayRef<int64_t> sizes = slice.getStaticSizes();
    int64_t count = 1;
    for (int64_t size : sizes)
      count *= size;
    Tensor64 result{source.type, std::vector<int64_t>(sizes.begin(), sizes.end()), {}};
    result.values.reserve(count);
    for (int64_t i = 0; i < count; ++i) {
      int64_t element = 0, rest = i, stride = 1;
      std::vector<int64_t> index(sizes.size());
      for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
        index[d] = rest % sizes[d];
        rest /= sizes[d];
      }
      for (int64_t d = int64_t(sizes.size()) - 1; d >= 0; --d) {
        element += (index[d] + offsets[d]) * stride;
        stride *= source.shape[d];
      }
      result.values.push_back(source.values[element]);
    }
    tensors[slice.getResult()] = std::move(result);
    return true;
  }

  bool interpretAttention(mlir::moda::AttentionOp op) {
    std::string whyNot;
    std::optional<int64_t> depthEntries;
    if (op.getDepthK())
      depthEntries = tensors[op.getDepthK()].shape.at(2);
    mlir::FailureOr<AttentionCase> c = caseFromOp(op, whyNot, depthEntries);
    if (mlir::failed(c)) {
      error = whyNot;
      return false;
    }
    const reference::AttentionProblem &p = c->problem;
    auto valuesOf = [&](mlir::Value value) -> const double * {
      if (!value)
        return nullptr;
      const std::vector<double> &values = tensors[value].values;
      return values.empty() ? nullptr : values.data();
    };
    std::vector<double> out(p.batch * p.queries * p.queryHeads * p.headDim);
    std::vector<double> lse(p.batch * p.queryHeads * p.queries);
    reference::attentionForward(p, valuesOf(op.getQ()), valuesOf(op.getK()),
                                valuesOf(op.getV()), valuesOf(op.getDepthK()),
                                valuesOf(op.getDepthV()), out.data(),
                                lse.data());
    tensors[op.getOut()] = {c->elementType,
                            {p.batch, p.queries, p.queryHeads, p.headDim},
                            roundTo(c->elementType, out)};
    tensors[op.getLse()] = {ElementType::F32,
                            {p.batch, p.queryHeads, p.queries},
                            roundTo(ElementType::F32, lse)};
    return true;
  }

  llvm::DenseMap<mlir::Value, Tensor64> tensors;
  llvm::DenseMap<mlir::Value, Stream64> streams;
  llvm::DenseMap<mlir::Value, int64_t> indices;
};

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
                                           uint64_t seed,
                                           mlir::moda::KernelLowering lowering) {
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

  Interpreter interpreter;
  std::optional<std::vector<Tensor64>> expected =
      interpreter.run(function, inputValues);
  if (!expected) {
    result.error = interpreter.error;
    return result;
  }

  // The graph compiled whole for the host.
  mlir::OwningOpRef<mlir::ModuleOp> compiled = module.clone();
  std::unique_ptr<mlir::ExecutionEngine> engine =
      compileForHost(context, *compiled, lowering, result.error);
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
