//===- GradCase.cpp - one backward case and its run on the host -----------===//

#include "GradCase.h"
#include "HostEngine.h"
#include "HostBuffer.h"

#include "moda/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>
#include <functional>
#include <memory>

using namespace moda;
using namespace moda::cpucheck;
using reference::Visibility;

namespace {

struct Shapes {
  bool hasSequence, hasDepth;
  size_t q, kv, depth, lse;

  explicit Shapes(const AttentionCase &c) {
    const reference::AttentionProblem &p = c.problem;
    hasSequence = p.visibility != Visibility::DepthOnly;
    hasDepth = c.hasDepthOperands();
    q = p.batch * p.queries * p.queryHeads * p.headDim;
    kv = hasSequence ? p.batch * p.keys * p.kvHeads * p.headDim : 0;
    depth = hasDepth ? p.batch * p.queries * p.depth * p.kvHeads * p.headDim
                     : 0;
    lse = p.batch * p.queryHeads * p.queries;
  }
};

/// Inputs, forward results and gradients of one run.
struct Run {
  Buffer q, k, v, depthK, depthV, dOut, out, lse;
  Buffer dq, dk, dv, dDepthK, dDepthV;

  Run(ElementType type, const Shapes &s)
      : q(type, s.q), k(type, s.kv), v(type, s.kv), depthK(type, s.depth),
        depthV(type, s.depth), dOut(type, s.q), out(type, s.q),
        lse(ElementType::F32, s.lse), dq(type, s.q), dk(type, s.kv),
        dv(type, s.kv), dDepthK(type, s.depth), dDepthV(type, s.depth) {}
};

/// Packs flat buffers, a packed case's offsets and the sizes as a launcher
/// takes them.
class LauncherCall {
public:
  void buffer(Buffer &b) { descriptor(b.data(), b.size()); }
  /// The offsets (packed cases only) and the sizes, which end the call.
  void finish(const AttentionCase &c, const Shapes &s) {
    offsets = c.offsets();
    if (c.isPacked())
      descriptor(offsets.data(), offsets.size());
    sizeValues = c.launcherSizes(s.hasSequence, s.hasDepth);
    for (int64_t &size : sizeValues)
      packed.push_back(&size);
  }
  llvm::SmallVector<void *> packed;

private:
  void descriptor(void *data, size_t size) {
    descriptors.push_back(std::make_unique<FlatDescriptor>(
        FlatDescriptor{data, data, 0, static_cast<int64_t>(size), 1}));
    FlatDescriptor &d = *descriptors.back();
    packed.append({&d.allocated, &d.aligned, &d.offset, &d.size, &d.stride});
  }
  std::vector<std::unique_ptr<FlatDescriptor>> descriptors;
  std::vector<int32_t> offsets;
  std::vector<int64_t> sizeValues;
};

/// Compiles `c`'s forward and backward and runs them on `run`'s inputs.
std::string compileAndRun(mlir::MLIRContext &context, const AttentionCase &c,
                          Run &run) {
  Shapes s(c);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(gradCaseToMLIR(c), &context);
  if (!module)
    return "the case's IR did not parse";
  std::string error;
  std::unique_ptr<mlir::ExecutionEngine> engine =
      compileForHost(context, *module, error);
  if (!engine)
    return error;

  for (Buffer *output :
       {&run.out, &run.lse, &run.dq, &run.dk, &run.dv, &run.dDepthK,
        &run.dDepthV})
    output->poison();

  LauncherCall forward;
  forward.buffer(run.q);
  if (s.hasSequence) {
    forward.buffer(run.k);
    forward.buffer(run.v);
  }
  if (s.hasDepth) {
    forward.buffer(run.depthK);
    forward.buffer(run.depthV);
  }
  forward.buffer(run.out);
  forward.buffer(run.lse);
  forward.finish(c, s);
  if (llvm::Error error =
          engine->invokePacked("moda_attention_0_launch", forward.packed))
    return llvm::toString(std::move(error));

  LauncherCall backward;
  backward.buffer(run.q);
  if (s.hasSequence) {
    backward.buffer(run.k);
    backward.buffer(run.v);
  }
  if (s.hasDepth) {
    backward.buffer(run.depthK);
    backward.buffer(run.depthV);
  }
  for (Buffer *b : {&run.out, &run.lse, &run.dOut, &run.dq})
    backward.buffer(*b);
  if (s.hasSequence) {
    backward.buffer(run.dk);
    backward.buffer(run.dv);
  }
  if (s.hasDepth) {
    backward.buffer(run.dDepthK);
    backward.buffer(run.dDepthV);
  }
  backward.finish(c, s);
  if (llvm::Error error = engine->invokePacked(
          "moda_attention_grad_0_launch", backward.packed))
    return llvm::toString(std::move(error));
  for (Buffer *output : {&run.dq, &run.dk, &run.dv, &run.dDepthK,
                         &run.dDepthV})
    output->readBack();
  return "";
}

void fillInputs(Run &run, uint64_t seed) {
  std::mt19937_64 rng(seed);
  for (Buffer *input :
       {&run.q, &run.k, &run.v, &run.depthK, &run.depthV, &run.dOut})
    input->fillRandom(rng);
}

} // namespace

std::string moda::cpucheck::gradCaseToMLIR(const AttentionCase &c) {
  Shapes s(c);
  std::string qType = c.queryType(), kvType = c.kvType(),
              depthType = c.depthType();
  std::string arguments = "%q: " + qType, operands, gradTypes, results = "%dq",
              resultTypes = qType;
  if (s.hasSequence) {
    arguments += ", %k: " + kvType + ", %v: " + kvType;
    operands += " kv(%k, %v : " + kvType + ", " + kvType + ")";
    gradTypes += " dkv(" + kvType + ", " + kvType + ")";
    results += ", %dk, %dv";
    resultTypes += ", " + kvType + ", " + kvType;
  }
  if (s.hasDepth) {
    arguments += ", %kd: " + depthType + ", %vd: " + depthType;
    operands += " depth(%kd, %vd : " + depthType + ", " + depthType + ")";
    gradTypes += " d_depth(" + depthType + ", " + depthType + ")";
    results += ", %dkd, %dvd";
    resultTypes += ", " + depthType + ", " + depthType;
  }
  arguments += ", %do: " + qType + c.packedArguments();
  return llvm::formatv(
      "func.func @train({0}) -> ({1}) {{\n"
      "  %out, %lse = moda.attention q(%q : {2}){3}{8} {{{4}} -> {2}, {5}\n"
      "  {6} = moda.attention_grad q(%q : {2}){3}\n"
      "      out(%out, %lse : {2}, {5}) d_out(%do : {2}){8} {{{4}}\n"
      "      -> dq({2}){7}\n"
      "  return {6} : {1}\n"
      "}\n",
      arguments, resultTypes, qType, operands, c.attributes(), c.lseType(),
      results, gradTypes, c.packedOperands());
}

/// The float64 reference backward of `c` into the gradients' buffers: the
/// operator's, or, packed, each sequence's on its own as a batch of one
/// (its tokens are contiguous in every tensor).
static void referenceBackward(const AttentionCase &c, const Shapes &s,
                              const Run &run,
                       std::vector<double> &dq, std::vector<double> &dk,
                       std::vector<double> &dv, std::vector<double> &dDepthK,
                       std::vector<double> &dDepthV) {
  const reference::AttentionProblem &p = c.problem;
  auto at = [](auto &values, bool present, int64_t offset) {
    return present ? values.data() + offset : nullptr;
  };
  auto run1 = [&](const reference::AttentionProblem &problem, int64_t begin) {
    int64_t queryToken = p.queryHeads * p.headDim;
    int64_t kvToken = p.kvHeads * p.headDim, depthToken = p.depth * kvToken;
    int64_t q = begin * queryToken, kv = begin * kvToken,
            depth = begin * depthToken;
    reference::attentionBackward(
        problem, run.q.values.data() + q, at(run.k.values, s.hasSequence, kv),
        at(run.v.values, s.hasSequence, kv),
        at(run.depthK.values, s.hasDepth, depth),
        at(run.depthV.values, s.hasDepth, depth),
        run.dOut.values.data() + q, dq.data() + q, at(dk, s.hasSequence, kv),
        at(dv, s.hasSequence, kv), at(dDepthK, s.hasDepth, depth),
        at(dDepthV, s.hasDepth, depth));
  };
  if (!c.isPacked())
    return run1(p, 0);
  forEachSequence(c, [&](int64_t begin, int64_t length) {
    run1(sequenceProblem(c, length), begin);
  });
}

GradResult moda::cpucheck::runGradOnHost(mlir::MLIRContext &context,
                                         const AttentionCase &c,
                                         uint64_t seed) {
  GradResult result;
  result.tolerance = toleranceFor(c.elementType);
  Shapes s(c);
  Run run(c.elementType, s);
  fillInputs(run, seed);
  result.error = compileAndRun(context, c, run);
  if (!result.error.empty())
    return result;
  result.compiled = true;

  std::vector<double> dq(s.q), dk(s.kv), dv(s.kv), dDepthK(s.depth),
      dDepthV(s.depth);
  referenceBackward(c, s, run, dq, dk, dv, dDepthK, dDepthV);
  result.errors[0] = reference::relativeError(run.dq.values.data(), dq.data(),
                                              s.q);
  if (s.hasSequence) {
    result.errors[1] =
        reference::relativeError(run.dk.values.data(), dk.data(), s.kv);
    result.errors[2] =
        reference::relativeError(run.dv.values.data(), dv.data(), s.kv);
  }
  if (s.hasDepth) {
    result.errors[3] = reference::relativeError(run.dDepthK.values.data(),
                                                dDepthK.data(), s.depth);
    result.errors[4] = reference::relativeError(run.dDepthV.values.data(),
                                                dDepthV.data(), s.depth);
  }
  return result;
}

GradResult moda::cpucheck::runFiniteDifferenceCheck(mlir::MLIRContext &context,
                                                    const AttentionCase &c,
                                                    uint64_t seed,
                                                    double step) {
  GradResult result;
  result.tolerance = toleranceFor(c.elementType);
  const reference::AttentionProblem &p = c.problem;
  Shapes s(c);
  Run run(c.elementType, s);
  fillInputs(run, seed);
  result.error = compileAndRun(context, c, run);
  if (!result.error.empty())
    return result;
  result.compiled = true;

  // Inputs in float64; loss(x) = sum(out(x) * d_out).
  std::vector<double> q = run.q.values, k = run.k.values, v = run.v.values,
                      depthK = run.depthK.values, depthV = run.depthV.values;
  std::vector<double> out(s.q), lse(s.lse);
  auto loss = [&]() {
    reference::attentionForward(
        p, q.data(), s.hasSequence ? k.data() : nullptr,
        s.hasSequence ? v.data() : nullptr, s.hasDepth ? depthK.data() : nullptr,
        s.hasDepth ? depthV.data() : nullptr, out.data(), lse.data());
    double total = 0;
    for (size_t i = 0; i < s.q; ++i)
      total += out[i] * run.dOut.values[i];
    return total;
  };
  auto centralDifferences = [&](std::vector<double> &input) {
    std::vector<double> gradient(input.size());
    for (size_t i = 0; i < input.size(); ++i) {
      double saved = input[i];
      input[i] = saved + step;
      double plus = loss();
      input[i] = saved - step;
      double minus = loss();
      input[i] = saved;
      gradient[i] = (plus - minus) / (2 * step);
    }
    return gradient;
  };
  std::vector<double> expected = centralDifferences(q);
  result.errors[0] =
      reference::relativeError(run.dq.values.data(), expected.data(), s.q);
  if (s.hasSequence) {
    expected = centralDifferences(k);
    result.errors[1] =
        reference::relativeError(run.dk.values.data(), expected.data(), s.kv);
    expected = centralDifferences(v);
    result.errors[2] =
        reference::relativeError(run.dv.values.data(), expected.data(), s.kv);
  }
  if (s.hasDepth) {
    expected = centralDifferences(depthK);
    result.errors[3] = reference::relativeError(run.dDepthK.values.data(),
                                                expected.data(), s.depth);
    expected = centralDifferences(depthV);
    result.errors[4] = reference::relativeError(run.dDepthV.values.data(),
                                                expected.data(), s.depth);
  }
  return result;
}
