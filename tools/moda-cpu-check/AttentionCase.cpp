//===- AttentionCase.cpp - one forward case and its run on the host -------===//

#include "AttentionCase.h"
#include "HostEngine.h"
#include "HostBuffer.h"

#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "moda/Pipelines/Pipelines.h"
#include "llvm/Support/CheckedArithmetic.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Parser/Parser.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <cstring>
#include <random>
#include <vector>

using namespace moda;
using namespace moda::cpucheck;
using reference::Visibility;

const char *moda::cpucheck::elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return "bf16";
  case ElementType::F16:
    return "f16";
  case ElementType::F32:
    return "f32";
  }
  return "?";
}

const char *moda::cpucheck::visibilityName(Visibility visibility) {
  switch (visibility) {
  case Visibility::PerPosition:
    return "per_position";
  case Visibility::Chunk:
    return "chunk";
  case Visibility::DepthOnly:
    return "depth_only";
  }
  return "?";
}

double moda::cpucheck::toleranceFor(ElementType type) {
  switch (type) {
  case ElementType::BF16:
    return 4e-3;
  case ElementType::F16:
    return 1e-3;
  case ElementType::F32:
    return 1e-5;
  }
  return 0;
}

std::string AttentionCase::describe() const {
  const reference::AttentionProblem &p = problem;
  std::string text = llvm::formatv(
      "{0} B{1} T{2} S{3} Hq{4} Hk{5} D{6} L{7} {8} {9}",
      elementTypeName(elementType), p.batch, p.queries, p.keys, p.queryHeads,
      p.kvHeads, p.headDim, p.depth, p.causal ? "causal" : "full",
      visibilityName(p.visibility));
  if (p.visibility == Visibility::Chunk)
    text += llvm::formatv(" C{0}", p.chunkSize).str();
  if (dynamicDepth)
    text += " L-at-run-time";
  if (dynamicKeys)
    text += " S-at-run-time";
  if (isPacked()) {
    text += " packed[";
    llvm::raw_string_ostream os(text);
    llvm::interleave(sequenceLengths, os, ",");
    os << "] max_seqlen " << maxSeqlen;
  }
  if (isPaged())
    text += llvm::formatv(" paged{0}x{1}", poolPages(), pageSize).str();
  if (config)
    text += llvm::formatv(" tiles{0}x{1}x{2}", config->blockM, config->blockN,
                          config->blockDepth)
                .str();
  if (config && config->kvSplits > 1)
    text += llvm::formatv(" kv_splits{0}", config->kvSplits).str();
  return text;
}

bool AttentionCase::hasDepthOperands() const {
  return problem.visibility != Visibility::PerPosition || problem.depth > 0 ||
         dynamicDepth;
}

std::string AttentionCase::depthType() const {
  const reference::AttentionProblem &p = problem;
  std::string depth = dynamicDepth ? "?" : std::to_string(p.depth);
  if (isPacked()) // [N, L, Hk, D]
    return llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}>", p.queries, depth,
                         p.kvHeads, p.headDim, elementTypeName(elementType));
  return llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}x{5}>", p.batch, p.queries,
                       depth, p.kvHeads, p.headDim,
                       elementTypeName(elementType));
}

std::string AttentionCase::rowsType(int64_t rows, int64_t heads) const {
  const reference::AttentionProblem &p = problem;
  const char *e = elementTypeName(elementType);
  if (isPacked()) // [N, H, D]
    return llvm::formatv("tensor<{0}x{1}x{2}x{3}>", rows, heads, p.headDim, e);
  return llvm::formatv("tensor<{0}x{1}x{2}x{3}x{4}>", p.batch, rows, heads,
                       p.headDim, e);
}

std::string AttentionCase::queryType() const {
  return rowsType(problem.queries, problem.queryHeads);
}

int64_t AttentionCase::pagesPerEntry() const {
  return (problem.keys + pageSize - 1) / pageSize + 1;
}

int64_t AttentionCase::poolPages() const {
  return problem.batch * pagesPerEntry() + 3;
}

std::vector<int32_t> AttentionCase::blockTable(std::mt19937_64 &rng) const {
  std::vector<int32_t> pages(poolPages());
  std::iota(pages.begin(), pages.end(), 0);
  std::shuffle(pages.begin(), pages.end(), rng);
  int64_t width = pagesPerEntry(), used = (problem.keys + pageSize - 1) / pageSize;
  std::vector<int32_t> table(problem.batch * width);
  for (int64_t b = 0; b < problem.batch; ++b)
    for (int64_t column = 0; column < width; ++column)
      table[b * width + column] =
          column < used ? pages[b * width + column]
                        : (column % 2 ? -7 : int32_t(poolPages()) + 11);
  return table;
}

std::string AttentionCase::kvType() const {
  if (isPaged()) // [P, page_size, Hk, D], the pool's pages a runtime size
    return llvm::formatv("tensor<?x{0}x{1}x{2}x{3}>", pageSize,
                         problem.kvHeads, problem.headDim,
                         elementTypeName(elementType));
  if (dynamicKeys && !isPacked())
    return llvm::formatv("tensor<{0}x?x{1}x{2}x{3}>", problem.batch,
                         problem.kvHeads, problem.headDim,
                         elementTypeName(elementType));
  return rowsType(problem.keys, problem.kvHeads);
}

std::string AttentionCase::lseType() const {
  const reference::AttentionProblem &p = problem;
  if (isPacked()) // [Hq, N]
    return llvm::formatv("tensor<{0}x{1}xf32>", p.queryHeads, p.queries);
  return llvm::formatv("tensor<{0}x{1}x{2}xf32>", p.batch, p.queryHeads,
                       p.queries);
}

std::string AttentionCase::packedArguments() const {
  if (!isPacked())
    return "";
  return llvm::formatv(", %cu: tensor<{0}xi32>, %max: index",
                       sequenceLengths.size() + 1);
}

std::string AttentionCase::packedOperands() const {
  if (!isPacked())
    return "";
  return llvm::formatv(" packed(%cu, %max : tensor<{0}xi32>)",
                       sequenceLengths.size() + 1);
}

std::string AttentionCase::attributes() const {
  const reference::AttentionProblem &p = problem;
  std::string text =
      llvm::formatv("scale = {0:e} : f32, visibility = #moda.visibility<{1}>",
                    p.scale, visibilityName(p.visibility));
  if (p.causal)
    text += ", causal";
  if (p.visibility == Visibility::Chunk)
    text += llvm::formatv(", chunk_size = {0}", p.chunkSize).str();
  if (config)
    text += llvm::formatv(
        ", config = #moda.config<block_m = {0}, block_n = {1}, "
        "block_depth = {2}, num_warps = 4, num_stages = 1, mma = fma, "
        "target = \"sm_90a\", kv_splits = {3}>",
        config->blockM, config->blockN, config->blockDepth,
        config->kvSplits);
  return text;
}

std::vector<int32_t> AttentionCase::offsets() const {
  std::vector<int32_t> cu = {0};
  for (int64_t length : sequenceLengths)
    cu.push_back(cu.back() + static_cast<int32_t>(length));
  return cu;
}

std::vector<int64_t> AttentionCase::launcherSizes(bool hasSequence,
                                                  bool hasDepth) const {
  const reference::AttentionProblem &p = problem;
  int64_t depth = hasDepth ? p.depth : 0;
  if (isPaged())
    return {p.batch, p.queries, p.keys, depth, poolPages()};
  if (!isPacked())
    return {p.batch, p.queries, hasSequence ? p.keys : 0, depth};
  int64_t sequences = static_cast<int64_t>(sequenceLengths.size());
  return {sequences, maxSeqlen, hasSequence ? maxSeqlen : 0, depth,
          p.queries};
}

std::string AttentionCase::toMLIR() const {
  const reference::AttentionProblem &p = problem;
  std::string qType = queryType(), kvType = this->kvType(),
              depthType = this->depthType();
  bool hasSequence = p.visibility != Visibility::DepthOnly;
  bool hasDepth = hasDepthOperands();

  std::string arguments = "%q: " + qType, operands;
  if (hasSequence) {
    arguments += ", %k: " + kvType + ", %v: " + kvType;
    operands += " kv(%k, %v : " + kvType + ", " + kvType + ")";
  }
  if (hasDepth) {
    arguments += ", %dk: " + depthType + ", %dv: " + depthType;
    operands += " depth(%dk, %dv : " + depthType + ", " + depthType + ")";
  }
  arguments += packedArguments();
  operands += packedOperands();
  if (isPaged()) {
    std::string tableType =
        llvm::formatv("tensor<{0}x{1}xi32>", p.batch, pagesPerEntry());
    arguments += ", %table: " + tableType + ", %num_keys: index";
    operands += " paged(%table, %num_keys : " + tableType + ")";
  }
  return llvm::formatv(
      "func.func @attention({0}) -> ({1}, {2}) {{\n"
      "  %out, %lse = moda.attention q(%q : {1}){3} {{{4}} -> {1}, {2}\n"
      "  return %out, %lse : {1}, {2}\n"
      "}\n",
      arguments, qType, lseType(), operands, attributes());
}

void moda::cpucheck::forEachSequence(
    const AttentionCase &c,
    llvm::function_ref<void(int64_t begin, int64_t length)> visit) {
  int64_t begin = 0;
  for (int64_t length : c.sequenceLengths) {
    if (length > 0)
      visit(begin, length);
    begin += length;
  }
}

reference::AttentionProblem
moda::cpucheck::sequenceProblem(const AttentionCase &c, int64_t length) {
  reference::AttentionProblem one = c.problem;
  one.batch = 1;
  one.queries = length;
  one.keys = c.problem.visibility != Visibility::DepthOnly ? length : 0;
  return one;
}

/// The most elements one tensor of a user's case may have: 2^28, 2 GiB as
/// float64 (the machine the check runs on has 24 GiB).
static constexpr int64_t kMostCheckedElements = int64_t(1) << 28;

mlir::FailureOr<AttentionCase>
moda::cpucheck::caseFromOp(mlir::Operation *operation, std::string &whyNot,
                           std::optional<int64_t> depthEntries) {
  auto op = llvm::dyn_cast<mlir::moda::AttentionOp>(operation);
  if (!op) {
    whyNot = "not a moda.attention";
    return mlir::failure();
  }
  if (op.isPacked()) {
    whyNot = "a packed operator's sequence lengths are runtime values (its "
             "cu_seqlens); the CPU check runs packed cases from its built-in "
             "matrix";
    return mlir::failure();
  }
  if (op.isPaged()) {
    whyNot = "a paged operator's cache length and pages are runtime values "
             "(its num_keys and block_table); the CPU check runs paged cases "
             "from its built-in matrix";
    return mlir::failure();
  }
  auto staticShape = [&](mlir::Value value) -> llvm::ArrayRef<int64_t> {
    if (!value)
      return {};
    auto type = llvm::cast<mlir::RankedTensorType>(value.getType());
    return type.hasStaticShape() ? type.getShape() : llvm::ArrayRef<int64_t>();
  };
  llvm::ArrayRef<int64_t> q = staticShape(op.getQ());
  llvm::ArrayRef<int64_t> k = staticShape(op.getK());
  llvm::SmallVector<int64_t> depthShape;
  if (op.getDepthK())
    llvm::append_range(
        depthShape,
        llvm::cast<mlir::RankedTensorType>(op.getDepthK().getType()).getShape());
  if (depthEntries && depthShape.size() == 5)
    depthShape[2] = *depthEntries;
  llvm::ArrayRef<int64_t> depth =
      llvm::any_of(depthShape, mlir::ShapedType::isDynamic)
          ? llvm::ArrayRef<int64_t>()
          : llvm::ArrayRef<int64_t>(depthShape);
  if (q.empty() || (op.getK() && k.empty()) || (op.getDepthK() && depth.empty())) {
    whyNot = "the CPU check runs operators with static shapes only";
    return mlir::failure();
  }
  // Every tensor becomes host buffers (float64 among them): refuse sizes
  // whose element count overflows or would not fit in memory.
  for (llvm::ArrayRef<int64_t> shape : {q, k, depth}) {
    std::optional<int64_t> elements = 1;
    for (int64_t size : shape)
      elements = elements ? llvm::checkedMul(*elements, size) : std::nullopt;
    if (!elements || *elements > kMostCheckedElements) {
      whyNot = "a tensor has more than " +
               std::to_string(kMostCheckedElements) +
               " elements, too many for the CPU check";
      return mlir::failure();
    }
  }
  mlir::Type element = op.getQ().getType().getElementType();
  AttentionCase c;
  c.elementType = element.isBF16()  ? ElementType::BF16
                  : element.isF16() ? ElementType::F16
                                    : ElementType::F32;
  Visibility visibility = Visibility::PerPosition;
  if (op.getVisibility() == mlir::moda::DepthVisibility::Chunk)
    visibility = Visibility::Chunk;
  else if (op.getVisibility() == mlir::moda::DepthVisibility::DepthOnly)
    visibility = Visibility::DepthOnly;
  double scale = op.getScale() ? op.getScale()->convertToDouble()
                               : 1.0 / std::sqrt(double(q[3]));
  c.problem = {q[0],
               q[1],
               k.empty() ? 0 : k[1],
               depth.empty() ? 0 : depth[2],
               q[2],
               op.getNumKVHeads(),
               q[3],
               op.getCausal(),
               visibility,
               op.getChunkSizeAttr() ? op.getChunkSizeAttr().getInt() : 0,
               double(float(scale))};
  if (mlir::moda::KernelConfigAttr config = op.getConfigAttr())
    c.config = TileConfig{config.getBlockM(), config.getBlockN(),
                          config.getBlockDepth(), config.getKvSplits()};
  return c;
}


/// The float64 reference of a packed case: each sequence on its own, as a
/// batch of one (its tokens are contiguous in every tensor), its lse
/// columns scattered into [Hq, N].
static void packedReference(const AttentionCase &c, const Buffer &q,
                            const Buffer &k, const Buffer &v,
                            const Buffer &dk, const Buffer &dv,
                            bool hasSequence, bool hasDepth,
                            std::vector<double> &out,
                            std::vector<double> &lse) {
  const reference::AttentionProblem &p = c.problem;
  int64_t tokens = p.queries;
  int64_t queryToken = p.queryHeads * p.headDim;
  int64_t kvToken = p.kvHeads * p.headDim, depthToken = p.depth * kvToken;
  forEachSequence(c, [&](int64_t begin, int64_t length) {
    std::vector<double> sequenceLse(p.queryHeads * length);
    reference::attentionForward(
        sequenceProblem(c, length), q.values.data() + begin * queryToken,
        hasSequence ? k.values.data() + begin * kvToken : nullptr,
        hasSequence ? v.values.data() + begin * kvToken : nullptr,
        hasDepth ? dk.values.data() + begin * depthToken : nullptr,
        hasDepth ? dv.values.data() + begin * depthToken : nullptr,
        out.data() + begin * queryToken, sequenceLse.data());
    for (int64_t head = 0; head < p.queryHeads; ++head)
      for (int64_t t = 0; t < length; ++t)
        lse[head * tokens + begin + t] = sequenceLse[head * length + t];
  });
}

/// The keys (or values) of a paged case as [B, S, Hk, D], through its
/// block table.
static void gatherPages(const AttentionCase &c,
                        const std::vector<int32_t> &table,
                        const std::vector<double> &pool,
                        std::vector<double> &gathered) {
  const reference::AttentionProblem &p = c.problem;
  int64_t row = p.kvHeads * p.headDim;
  gathered.resize(p.batch * p.keys * row);
  reference::gatherPages(pool.data(), table.data(), p.batch, p.keys,
                         c.pageSize, c.pagesPerEntry(), row, gathered.data());
}

CaseResult moda::cpucheck::runOnHost(mlir::MLIRContext &context,
                                     const AttentionCase &c, uint64_t seed) {
  CaseResult result;
  result.tolerance = toleranceFor(c.elementType);
  const reference::AttentionProblem &p = c.problem;

  mlir::OwningOpRef<mlir::ModuleOp> module =
      mlir::parseSourceString<mlir::ModuleOp>(c.toMLIR(), &context);
  if (!module) {
    result.error = "the case's IR did not parse";
    return result;
  }
  std::unique_ptr<mlir::ExecutionEngine> engine =
      compileForHost(context, *module, result.error);
  if (!engine)
    return result;

  bool hasSequence = p.visibility != Visibility::DepthOnly;
  // What the launcher takes after the pipeline's canonicalize: an empty
  // depth part (L = 0) of a per-position or chunk attention is dropped (it
  // is plain attention), so its launcher has no depth buffers; passing
  // them anyway shifted out and lse onto the empty depth descriptors (a
  // chunk case with L = 0 wrote through a null pointer). With L a runtime
  // size the depth part stays, whatever L is.
  bool hasDepth =
      p.visibility == Visibility::DepthOnly || p.depth > 0 || c.dynamicDepth;
  size_t qSize = p.batch * p.queries * p.queryHeads * p.headDim;
  size_t kvSize = hasSequence ? p.batch * p.keys * p.kvHeads * p.headDim : 0;
  // Paged: k and v are the pool; the reference reads the keys gathered
  // back into [B, S, Hk, D] through the block table.
  size_t poolSize =
      c.isPaged() ? c.poolPages() * c.pageSize * p.kvHeads * p.headDim : 0;
  size_t depthSize =
      hasDepth ? p.batch * p.queries * p.depth * p.kvHeads * p.headDim : 0;
  size_t lseSize = p.batch * p.queryHeads * p.queries;

  std::mt19937_64 rng(seed);
  size_t kvBufferSize = c.isPaged() ? poolSize : kvSize;
  Buffer q(c.elementType, qSize), k(c.elementType, kvBufferSize),
      v(c.elementType, kvBufferSize), dk(c.elementType, depthSize),
      dv(c.elementType, depthSize), out(c.elementType, qSize),
      lse(ElementType::F32, lseSize);
  for (Buffer *input : {&q, &k, &v, &dk, &dv})
    input->fillRandom(rng);
  out.poison();
  lse.poison();

  std::vector<Buffer *> buffers = {&q};
  if (hasSequence)
    buffers.insert(buffers.end(), {&k, &v});
  if (hasDepth)
    buffers.insert(buffers.end(), {&dk, &dv});
  buffers.insert(buffers.end(), {&out, &lse});
  std::vector<FlatDescriptor> descriptors;
  for (Buffer *buffer : buffers)
    descriptors.push_back({buffer->data(), buffer->data(), 0,
                           static_cast<int64_t>(buffer->size()), 1});
  // Packed: the offsets after lse.
  std::vector<int32_t> offsets = c.offsets();
  if (c.isPacked())
    descriptors.push_back({offsets.data(), offsets.data(), 0,
                           static_cast<int64_t>(offsets.size()), 1});
  // Paged: the block table after lse.
  std::vector<int32_t> table = c.isPaged() ? c.blockTable(rng)
                                           : std::vector<int32_t>();
  if (c.isPaged())
    descriptors.push_back({table.data(), table.data(), 0,
                           static_cast<int64_t>(table.size()), 1});
  std::vector<int64_t> sizes = c.launcherSizes(hasSequence, hasDepth);
  llvm::SmallVector<void *> packed;
  for (FlatDescriptor &d : descriptors)
    packed.append({&d.allocated, &d.aligned, &d.offset, &d.size, &d.stride});
  for (int64_t &size : sizes)
    packed.push_back(&size);
  if (llvm::Error error =
          engine->invokePacked("moda_attention_0_launch", packed)) {
    result.error = llvm::toString(std::move(error));
    return result;
  }
  result.compiled = true;
  out.readBack();
  lse.readBack();

  std::vector<double> expectedOut(qSize), expectedLse(lseSize);
  std::vector<double> keys, values;
  const double *kValues = k.values.data(), *vValues = v.values.data();
  if (c.isPaged()) {
    gatherPages(c, table, k.values, keys);
    gatherPages(c, table, v.values, values);
    kValues = keys.data();
    vValues = values.data();
  }
  if (c.isPacked())
    packedReference(c, q, k, v, dk, dv, hasSequence, hasDepth, expectedOut,
                    expectedLse);
  else
    reference::attentionForward(p, q.values.data(),
                                hasSequence ? kValues : nullptr,
                                hasSequence ? vValues : nullptr,
                                hasDepth ? dk.values.data() : nullptr,
                                hasDepth ? dv.values.data() : nullptr,
                                expectedOut.data(), expectedLse.data());
  result.outError =
      reference::relativeError(out.values.data(), expectedOut.data(), qSize);
  result.lseError =
      reference::lseError(lse.values.data(), expectedLse.data(), lseSize);
  return result;
}
