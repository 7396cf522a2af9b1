//===- GraphInterpreter.cpp - a model graph computed in float64 ------------===//

#include "GraphInterpreter.h"
#include "HostBuffer.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>
#include <deque>
#include <limits>

using namespace moda;
using namespace moda::cpucheck;

std::optional<ElementType> moda::cpucheck::elementTypeOf(mlir::Type type) {
  if (type.isBF16())
    return ElementType::BF16;
  if (type.isF16())
    return ElementType::F16;
  if (type.isF32())
    return ElementType::F32;
  return std::nullopt;
}

namespace {

/// A depth stream of the interpretation: the entries a read sees, oldest
/// first (with `window`, the most recent `capacity`).
struct Stream64 {
  std::deque<std::pair<std::vector<double>, std::vector<double>>> entries;
  /// An entry's shape [B, T, Hk, D], from the first append.
  std::vector<int64_t> entryShape;
};

/// `value` rounded to `type`, as a tensor of that type stores it (through
/// the reference's conversions, without a buffer: the payload of a linalg
/// op rounds per element).
double roundScalar(ElementType type, double value) {
  switch (type) {
  case ElementType::BF16:
    return reference::bf16ToFloat(reference::floatToBf16(float(value)));
  case ElementType::F16:
    return reference::halfToFloat(reference::floatToHalf(float(value)));
  case ElementType::F32:
    return float(value);
  }
  return value;
}

/// `values` rounded to `type`.
std::vector<double> roundTo(ElementType type, const std::vector<double> &values) {
  std::vector<double> rounded(values.size());
  for (size_t i = 0; i < values.size(); ++i)
    rounded[i] = roundScalar(type, values[i]);
  return rounded;
}

/// The payload of a linalg op (its region's body) as a flat program over
/// value slots, evaluated once per point of the iteration domain: block
/// arguments first, then one slot per op result.
class LinalgPayload {
public:
  /// Fails, with `error` naming the op, on a body op it does not compute.
  bool build(mlir::Block &body,
             const llvm::DenseMap<mlir::Value, double> &captured,
             std::string &error) {
    for (mlir::BlockArgument argument : body.getArguments())
      slots[argument] = slots.size();
    for (mlir::Operation &op : body) {
      // Values the body uses from outside: float constants, computed once.
      for (mlir::Value operand : op.getOperands()) {
        if (slots.count(operand))
          continue;
        auto it = captured.find(operand);
        if (it == captured.end()) {
          error = "a linalg body uses a value from outside that is not a "
                  "float constant";
          return false;
        }
        Step step;
        step.kind = Kind::Constant;
        step.constant = it->second;
        step.result = slots.size();
        slots[operand] = step.result;
        steps.push_back(std::move(step));
      }
      if (auto yield = llvm::dyn_cast<mlir::linalg::YieldOp>(op)) {
        for (mlir::Value value : yield.getValues())
          yielded.push_back(slots.lookup(value));
        return true;
      }
      Step step;
      if (!describe(op, step)) {
        error = "the interpretation computes linalg bodies of arith and math "
                "float ops (add, sub, mul, div, max, min, neg, ext, trunc, "
                "sqrt, rsqrt, exp, log, tanh, erf, constants), not " +
                op.getName().getStringRef().str();
        return false;
      }
      for (mlir::Value operand : op.getOperands())
        step.operands.push_back(slots.lookup(operand));
      step.result = slots.size();
      slots[op.getResult(0)] = step.result;
      steps.push_back(std::move(step));
    }
    error = "a linalg body without linalg.yield";
    return false;
  }

  size_t getNumSlots() const { return slots.size(); }

  /// Runs the body on `values` (its arguments set), returning what it
  /// yields.
  void run(std::vector<double> &values, std::vector<double> &out) const {
    for (const Step &step : steps) {
      auto operand = [&](size_t i) { return values[step.operands[i]]; };
      double &result = values[step.result];
      switch (step.kind) {
      case Kind::Constant: result = step.constant; break;
      case Kind::Add: result = operand(0) + operand(1); break;
      case Kind::Sub: result = operand(0) - operand(1); break;
      case Kind::Mul: result = operand(0) * operand(1); break;
      case Kind::Div: result = operand(0) / operand(1); break;
      case Kind::Max: result = maximum(operand(0), operand(1)); break;
      case Kind::Min: result = minimum(operand(0), operand(1)); break;
      case Kind::MaxNum: result = std::fmax(operand(0), operand(1)); break;
      case Kind::MinNum: result = std::fmin(operand(0), operand(1)); break;
      case Kind::Neg: result = -operand(0); break;
      case Kind::Exact: result = operand(0); break;
      case Kind::Round: result = roundScalar(step.roundTo, operand(0)); break;
      case Kind::Sqrt: result = std::sqrt(operand(0)); break;
      case Kind::Rsqrt: result = 1.0 / std::sqrt(operand(0)); break;
      case Kind::Exp: result = std::exp(operand(0)); break;
      case Kind::Log: result = std::log(operand(0)); break;
      case Kind::Tanh: result = std::tanh(operand(0)); break;
      case Kind::Erf: result = std::erf(operand(0)); break;
      }
    }
    out.clear();
    for (size_t slot : yielded)
      out.push_back(values[slot]);
  }

private:
  enum class Kind {
    Constant, Add, Sub, Mul, Div, Max, Min, MaxNum, MinNum, Neg, Exact,
    Round, Sqrt, Rsqrt, Exp, Log, Tanh, Erf
  };
  /// arith.maximumf / minimumf: NaN if either is, -0 below +0.
  static double maximum(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<double>::quiet_NaN();
    if (a == b)
      return std::signbit(a) ? b : a;
    return a > b ? a : b;
  }
  static double minimum(double a, double b) {
    if (std::isnan(a) || std::isnan(b))
      return std::numeric_limits<double>::quiet_NaN();
    if (a == b)
      return std::signbit(a) ? a : b;
    return a < b ? a : b;
  }
  struct Step {
    Kind kind;
    std::vector<size_t> operands;
    size_t result = 0;
    double constant = 0;
    ElementType roundTo = ElementType::F32;
  };

  static bool describe(mlir::Operation &op, Step &step) {
    if (op.getNumResults() != 1 || !llvm::isa<mlir::FloatType>(op.getResult(0).getType()))
      return false;
    namespace arith = mlir::arith;
    namespace math = mlir::math;
    if (auto constant = llvm::dyn_cast<arith::ConstantOp>(op)) {
      auto value = llvm::dyn_cast<mlir::FloatAttr>(constant.getValue());
      if (!value)
        return false;
      step.kind = Kind::Constant;
      step.constant = value.getValueAsDouble();
      return true;
    }
    if (auto truncate = llvm::dyn_cast<arith::TruncFOp>(op)) {
      std::optional<ElementType> type = elementTypeOf(truncate.getType());
      if (!type)
        return false;
      step.kind = Kind::Round;
      step.roundTo = *type;
      return true;
    }
    std::optional<Kind> kind =
        llvm::TypeSwitch<mlir::Operation *, std::optional<Kind>>(&op)
            .Case<arith::AddFOp>([](auto) { return Kind::Add; })
            .Case<arith::SubFOp>([](auto) { return Kind::Sub; })
            .Case<arith::MulFOp>([](auto) { return Kind::Mul; })
            .Case<arith::DivFOp>([](auto) { return Kind::Div; })
            .Case<arith::MaximumFOp>([](auto) { return Kind::Max; })
            .Case<arith::MinimumFOp>([](auto) { return Kind::Min; })
            .Case<arith::MaxNumFOp>([](auto) { return Kind::MaxNum; })
            .Case<arith::MinNumFOp>([](auto) { return Kind::MinNum; })
            .Case<arith::NegFOp>([](auto) { return Kind::Neg; })
            .Case<arith::ExtFOp>([](auto) { return Kind::Exact; })
            .Case<math::SqrtOp>([](auto) { return Kind::Sqrt; })
            .Case<math::RsqrtOp>([](auto) { return Kind::Rsqrt; })
            .Case<math::ExpOp>([](auto) { return Kind::Exp; })
            .Case<math::LogOp>([](auto) { return Kind::Log; })
            .Case<math::TanhOp>([](auto) { return Kind::Tanh; })
            .Case<math::ErfOp>([](auto) { return Kind::Erf; })
            .Default([](auto) { return std::nullopt; });
    if (!kind)
      return false;
    step.kind = *kind;
    return true;
  }

  llvm::DenseMap<mlir::Value, size_t> slots;
  std::vector<Step> steps;
  std::vector<size_t> yielded;
};

/// How an operand of a linalg op is indexed: per dimension of the operand,
/// the loop dimension it follows (or none: a constant index), and its
/// row-major stride.
struct OperandIndexing {
  std::vector<std::optional<unsigned>> loopDims;
  std::vector<int64_t> constants, strides;
  bool scalar = false; // a scalar operand (linalg.fill's value)

  int64_t offsetAt(llvm::ArrayRef<int64_t> point) const {
    int64_t offset = 0;
    for (size_t d = 0; d < strides.size(); ++d)
      offset += strides[d] * (loopDims[d] ? point[*loopDims[d]] : constants[d]);
    return offset;
  }
};

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
        .Case([&](mlir::arith::ConstantOp constant) {
          return interpretConstant(constant);
        })
        .Case([&](mlir::tensor::EmptyOp empty) {
          // Undefined contents: NaN, so that reading them fails the check.
          return bindFresh(empty.getResult(),
                           std::numeric_limits<double>::quiet_NaN());
        })
        .Case<mlir::tensor::ExpandShapeOp, mlir::tensor::CollapseShapeOp>(
            [&](auto reshape) {
              Tensor64 result = tensors.lookup(reshape.getSrc());
              auto type = llvm::cast<mlir::RankedTensorType>(
                  reshape.getResult().getType());
              if (!type.hasStaticShape()) {
                error = "the interpretation takes reshapes to static shapes";
                return false;
              }
              result.shape.assign(type.getShape().begin(),
                                  type.getShape().end());
              tensors[reshape.getResult()] = std::move(result);
              return true;
            })
        .Case([&](mlir::linalg::LinalgOp linalgOp) {
          return interpretLinalg(linalgOp);
        })
        .Default([&](mlir::Operation *other) {
          error = "the float64 interpretation knows moda.attention, the "
                  "moda.stream ops, constants, scf.for, linalg ops and "
                  "tensor.empty, expand_shape, collapse_shape and static "
                  "extract_slice, not " +
                  other->getName().getStringRef().str();
          return false;
        });
  }

  /// A static tensor of `value`'s type, every element `fill`.
  bool bindFresh(mlir::Value value, double fill) {
    auto type = llvm::cast<mlir::RankedTensorType>(value.getType());
    std::optional<ElementType> element = elementTypeOf(type.getElementType());
    if (!element || !type.hasStaticShape()) {
      error = "the interpretation takes static tensors of bf16, f16 or f32";
      return false;
    }
    tensors[value] = {*element,
                      std::vector<int64_t>(type.getShape().begin(),
                                           type.getShape().end()),
                      std::vector<double>(type.getNumElements(), fill)};
    return true;
  }

  /// A float scalar, or a splat float tensor.
  bool interpretConstant(mlir::arith::ConstantOp constant) {
    if (auto value = llvm::dyn_cast<mlir::FloatAttr>(constant.getValue())) {
      scalars[constant] = value.getValueAsDouble();
      return true;
    }
    auto splat = llvm::dyn_cast<mlir::SplatElementsAttr>(constant.getValue());
    if (splat && elementTypeOf(splat.getElementType()))
      return bindFresh(constant,
                       roundScalar(*elementTypeOf(splat.getElementType()),
                                   splat.getSplatValue<llvm::APFloat>()
                                       .convertToDouble()));
    error = "the interpretation takes index, float and splat float tensor "
            "constants";
    return false;
  }

  /// A linalg op, named (linalg.matmul, linalg.fill, ...) or generic: its
  /// payload at every point of its iteration domain, in float64, then each
  /// result rounded to its element type.
  bool interpretLinalg(mlir::linalg::LinalgOp op) {
    if (!op.hasPureTensorSemantics()) {
      error = "the interpretation takes linalg ops on tensors";
      return false;
    }
    llvm::SmallVector<int64_t> ranges = op.getStaticLoopRanges();
    if (llvm::any_of(ranges, mlir::ShapedType::isDynamic)) {
      error = "the interpretation takes linalg ops of static shapes";
      return false;
    }
    // Values from outside the body (constants) enter as constants.
    LinalgPayload payload;
    std::string why;
    if (!payload.build(*op.getBlock(), scalars, why)) {
      error = why;
      return false;
    }
    std::vector<OperandIndexing> indexing;
    for (mlir::OpOperand &operand : op->getOpOperands()) {
      OperandIndexing operandIndexing;
      auto type = llvm::dyn_cast<mlir::RankedTensorType>(operand.get().getType());
      if (type && !type.hasStaticShape()) {
        error = "the interpretation takes linalg ops on static tensors";
        return false;
      }
      if (!type) {
        if (!scalars.count(operand.get())) {
          error = "a linalg op's scalar operand is not a float constant";
          return false;
        }
        operandIndexing.scalar = true;
        indexing.push_back(std::move(operandIndexing));
        continue;
      }
      mlir::AffineMap map = op.getMatchingIndexingMap(&operand);
      int64_t stride = 1;
      operandIndexing.strides.resize(type.getRank());
      for (int64_t d = type.getRank() - 1; d >= 0; --d) {
        operandIndexing.strides[d] = stride;
        stride *= type.getDimSize(d);
      }
      for (mlir::AffineExpr result : map.getResults()) {
        if (auto dim = llvm::dyn_cast<mlir::AffineDimExpr>(result)) {
          operandIndexing.loopDims.push_back(dim.getPosition());
          operandIndexing.constants.push_back(0);
        } else if (auto constant =
                       llvm::dyn_cast<mlir::AffineConstantExpr>(result)) {
          operandIndexing.loopDims.push_back(std::nullopt);
          operandIndexing.constants.push_back(constant.getValue());
        } else {
          error = "the interpretation takes linalg indexing maps whose "
                  "results are loop dimensions or constants";
          return false;
        }
      }
      indexing.push_back(std::move(operandIndexing));
    }
    unsigned numInputs = op.getNumDpsInputs();
    std::vector<Tensor64> outputs;
    for (mlir::OpResult result : op->getResults()) {
      std::optional<ElementType> element = elementTypeOf(
          llvm::cast<mlir::RankedTensorType>(result.getType()).getElementType());
      if (!element) {
        error = "the interpretation takes linalg results of bf16, f16 or f32";
        return false;
      }
      outputs.push_back(tensors.lookup(op.getDpsInits()[result.getResultNumber()]));
      outputs.back().type = *element;
    }
    std::vector<mlir::Value> operands(op->getOperands().begin(),
                                      op->getOperands().end());
    std::vector<double> slots(payload.getNumSlots()), yielded;
    std::vector<int64_t> point(ranges.size(), 0);
    int64_t count = 1;
    for (int64_t range : ranges)
      count *= range;
    for (int64_t n = 0; n < count; ++n) {
      for (size_t i = 0; i < operands.size(); ++i) {
        if (indexing[i].scalar)
          slots[i] = scalars.lookup(operands[i]);
        else if (i < numInputs)
          slots[i] = tensors[operands[i]].values[indexing[i].offsetAt(point)];
        else
          slots[i] = outputs[i - numInputs].values[indexing[i].offsetAt(point)];
      }
      payload.run(slots, yielded);
      for (size_t j = 0; j < outputs.size(); ++j)
        outputs[j].values[indexing[numInputs + j].offsetAt(point)] = yielded[j];
      // The next point, row-major.
      for (int64_t d = int64_t(point.size()) - 1; d >= 0; --d) {
        if (++point[d] < ranges[d])
          break;
        point[d] = 0;
      }
    }
    for (auto [result, output] : llvm::zip_equal(op->getResults(), outputs)) {
      output.values = roundTo(output.type, output.values);
      tensors[result] = std::move(output);
    }
    return true;
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
    if (op.getDepthK()) {
      // [B, T, L, Hk, D], packed [N, L, Hk, D]: L is third from the end.
      const std::vector<int64_t> &shape = tensors[op.getDepthK()].shape;
      depthEntries = shape.at(shape.size() - 3);
    }
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
  llvm::DenseMap<mlir::Value, double> scalars;
};


} // namespace

std::optional<std::vector<Tensor64>>
moda::cpucheck::interpretGraph(mlir::func::FuncOp function,
                               const std::vector<Tensor64> &inputs,
                               std::string &error) {
  Interpreter interpreter;
  std::optional<std::vector<Tensor64>> results =
      interpreter.run(function, inputs);
  if (!results)
    error = interpreter.error;
  return results;
}
