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

/// Packs flat buffers and the four sizes as a launcher takes them.
class LauncherCall {
public:
  void buffer(Buffer &b) {
    descriptors.push_back(std::make_unique<FlatDescriptor>(FlatDescriptor{
        b.data(), b.data(), 0, static_cast<int64_t>(b.size()), 1}));
    FlatDescriptor &d = *descriptors.back();
    packed.append({&d.allocated, &d.aligned, &d.offset, &d.size, &d.stride});
  }
  void sizes(const reference::AttentionProblem &p, const Shapes &s) {
    sizeValues = {p.batch, p.queries, s.hasSequence ? p.keys : 0,
                  s.hasDepth ? p.depth : 0};
    for (int64_t &size : sizeValues)
      packed.push_back(&size);
  }
  llvm::SmallVector<void *> packed;

private:
  std::vector<std::unique_ptr<FlatDescriptor>> descriptors;
  std::array<int64_t, 4> sizeValues{};
};

/// Compiles `c`'s forward and backward and runs them on `run`'s inputs.
std::string compileAndRun(mlir::MLIRContext &context, const AttentionCase &c,
                          Run &run, mlir::moda::KernelLowering lowering) {
  const reference::AttentionProblem &p = c.problem;
  Shapes s(c);
  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(gradCaseToMLIR(c), &context);
  if (!module)
    return "the case's IR did not parse";
  std::string error;
  std::unique_ptr<mlir::ExecutionEngine> engine =
      compileForHost(context, *module, lowering, error);
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
  forward.sizes(p, s);
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
  backward.sizes(p, s);
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

const double *orNull(const Buffer &b, bool present) {
  return present ? b.values.data() : nullptr;
}

} // namespace

std::string moda::cpucheck::gradCaseToMLIR(const AttentionCase &c) {
  const reference::AttentionProblem &p = c.problem;
  const char *e = elementTypeName(c.elementType);
  Shapes s(c);
  std::string qType = llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}>", p.batch,
                                    p.queries, p.queryHeads, p.headDim, e);
  std::string kvType = llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}>", p.batch,
                                     p.keys, p.kvHeads, p.headDim, e);
  std::string depthType = c.depthType();
  std::string lseType = llvm::formatv("tensor<{0}x{1}x{2}xf32>", p.batch,
                                      p.queryHeads, p.queries);
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
  arguments += ", %do: " + qType;
  std::string attributes =
      llvm::formatv("scale = {0:e} : f32, visibility = #moda.visibility<{1}>",
                    p.scale, visibilityName(p.visibility));
  if (p.causal)
    attributes += ", causal";
  if (p.visibility == Visibility::Chunk)
    attributes += llvm::formatv(", chunk_size = {0}", p.chunkSize).str();
  if (c.config)
    attributes += llvm::formatv(
        ", config = #moda.config<block_m = {0}, block_n = {1}, "
        "block_depth = {2}, num_warps = 4, num_stages = 1, mma = fma, "
        "target = \"sm_90a\">",
        c.config->blockM, c.config->blockN, c.config->blockDepth);
  return llvm::formatv(
      "func.func @train({0}) -> ({1}) {{\n"
      "  %out, %lse = moda.attention q(%q : {2}){3} {{{4}} -> {2}, {5}\n"
      "  {6} = moda.attention_grad q(%q : {2}){3}\n"
      "      out(%out, %lse : {2}, {5}) d_out(%do : {2}) {{{4}}\n"
      "      -> dq({2}){7}\n"
      "  return {6} : {1}\n"
      "}\n",
      arguments, resultTypes, qType, operands, attributes, lseType, results,
      gradTypes);
}

GradResult moda::cpucheck::runGradOnHost(mlir::MLIRContext &context,
                                         const AttentionCase &c,
                                         uint64_t seed,
                                         mlir::moda::KernelLowering lowering) {
  GradResult result;
  result.tolerance = toleranceFor(c.elementType);
  const reference::AttentionProblem &p = c.problem;
  Shapes s(c);
  Run run(c.elementType, s);
  fillInputs(run, seed);
  result.error = compileAndRun(context, c, run, lowering);
  if (!result.error.empty())
    return result;
  result.compiled = true;

  std::vector<double> dq(s.q), dk(s.kv), dv(s.kv), dDepthK(s.depth),
      dDepthV(s.depth);
  reference::attentionBackward(
      p, run.q.values.data(), orNull(run.k, s.hasSequence),
      orNull(run.v, s.hasSequence), orNull(run.depthK, s.hasDepth),
      orNull(run.depthV, s.hasDepth), run.dOut.values.data(), dq.data(),
      s.hasSequence ? dk.data() : nullptr, s.hasSequence ? dv.data() : nullptr,
      s.hasDepth ? dDepthK.data() : nullptr,
      s.hasDepth ? dDepthV.data() : nullptr);
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
                                                    double step,
                                                    mlir::moda::KernelLowering lowering) {
  GradResult result;
  result.tolerance = toleranceFor(c.elementType);
  const reference::AttentionProblem &p = c.problem;
  Shapes s(c);
  Run run(c.elementType, s);
  fillInputs(run, seed);
  result.error = compileAndRun(context, c, run, lowering);
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
