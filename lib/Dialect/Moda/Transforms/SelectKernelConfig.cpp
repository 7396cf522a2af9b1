//===- SelectKernelConfig.cpp - attach kernel configurations --------------===//
//
// Every MoDA operator without a configuration gets one: the winner recorded
// in a tuning database for its key when there is one, else the heuristic
// member of the configuration space. The operator says which in
// `moda.config_source`. A decoding forward gets the heuristics' decode
// configuration, with split-KV's kv_splits where its blocks would leave
// most of the GPU idle (KeySplits.h).
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/Moda/Transforms/Passes.h"
#include "moda/Dialect/Moda/Utils/KernelConfigSpace.h"
#include "moda/Dialect/Moda/Utils/KeySplits.h"
#include "moda/Pipelines/ConfigSharedMemory.h"
#include "moda/Pipelines/Pipelines.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cstdlib>

namespace mlir::moda {
#define GEN_PASS_DEF_MODASELECTKERNELCONFIG
#include "moda/Dialect/Moda/Transforms/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;
namespace json = llvm::json;

namespace {

constexpr StringLiteral kConfigSourceAttrName = "moda.config_source";

/// What a tuning-database entry is keyed by (docs/autotuning.md).
struct TuningKey {
  std::string computeCapability, op, dtype, visibility;
  int64_t headDim = 0, groupSize = 0, depth = 0, seqBucket = 0;
  bool causal = false;

  bool operator==(const TuningKey &other) const {
    return std::tie(computeCapability, op, dtype, visibility, headDim,
                    groupSize, depth, seqBucket, causal) ==
           std::tie(other.computeCapability, other.op, other.dtype,
                    other.visibility, other.headDim, other.groupSize,
                    other.depth, other.seqBucket, other.causal);
  }
};

struct TuningEntry {
  TuningKey key;
  std::string device;
  json::Object config;
};

/// "sm_90a" -> "9.0".
std::string computeCapabilityOf(StringRef target) {
  StringRef digits = target.drop_front(3).take_while(llvm::isDigit);
  if (digits.size() < 2)
    return "";
  return (digits.drop_back(1) + "." + digits.take_back(1)).str();
}

/// Reads a database, or says why not through `error`.
std::optional<std::vector<TuningEntry>> readDatabase(StringRef path,
                                                     std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer) {
    error = buffer.getError().message();
    return std::nullopt;
  }
  json::Value root = nullptr;
  if (auto parsed = json::parse((*buffer)->getBuffer())) {
    root = std::move(*parsed);
  } else {
    error = llvm::toString(parsed.takeError());
    return std::nullopt;
  }
  const json::Object *object = root.getAsObject();
  const json::Array *entries = object ? object->getArray("entries") : nullptr;
  if (!object || object->getString("format") != "moda-tuning/1" || !entries) {
    error = "not a moda-tuning/1 database (expected {\"format\": "
            "\"moda-tuning/1\", \"entries\": [...]})";
    return std::nullopt;
  }
  std::vector<TuningEntry> result;
  for (const json::Value &value : *entries) {
    const json::Object *entry = value.getAsObject();
    const json::Object *key = entry ? entry->getObject("key") : nullptr;
    const json::Object *config = entry ? entry->getObject("config") : nullptr;
    auto str = [&](StringRef field) {
      return key->getString(field).value_or("").str();
    };
    auto num = [&](StringRef field) {
      return key->getInteger(field).value_or(-1);
    };
    if (!key || !config) {
      error = "an entry lacks its \"key\" or \"config\" object";
      return std::nullopt;
    }
    TuningEntry parsed;
    parsed.device = str("device");
    parsed.key = {str("compute_capability"), str("op"), str("dtype"),
                  str("visibility"), num("head_dim"), num("group_size"),
                  num("depth"), num("seq_bucket"),
                  key->getBoolean("causal").value_or(false)};
    parsed.config = *config;
    result.push_back(std::move(parsed));
  }
  return result;
}

struct SelectKernelConfigPass
    : mlir::moda::impl::ModaSelectKernelConfigBase<SelectKernelConfigPass> {
  using Base::Base;

  /// The dialects of the tile programs too: the pass builds and stages them
  /// (on scratch copies) to measure configurations' shared memory.
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    OpPassManager tilePrograms(ModuleOp::getOperationName());
    buildTileProgramPipeline(tilePrograms);
    tilePrograms.getDependentDialects(registry);
  }

  void runOnOperation() override;

private:
  /// The database's configuration for `op`, if its key is there.
  KernelConfigAttr lookUp(AttentionOp op);

  std::vector<TuningEntry> entries;
};

/// A configuration given on `op` is kept; one whose kernels' shared tiles
/// exceed the target's shared memory is an error here, before any
/// lowering. (One the programs cannot be built with breaks another rule,
/// which the lowering reports.)
WalkResult checkSharedMemory(Operation *op, KernelConfigAttr config) {
  FailureOr<int64_t> bytes = measureConfigSharedMemory(op, config);
  int64_t limit = getMaxDynamicSharedMemoryBytes(config.getTarget());
  if (failed(bytes) || *bytes <= limit)
    return WalkResult::advance();
  op->emitOpError() << "config needs " << *bytes
                    << " bytes of shared memory (its tile programs' shared "
                       "tiles), more than the "
                    << limit << " a block may opt in to on "
                    << config.getTarget();
  return WalkResult::interrupt();
}

KernelConfigAttr SelectKernelConfigPass::lookUp(AttentionOp op) {
  // The database's keys are of [B, T, ...] operators; packed sequences'
  // lengths are runtime values, and no key has a page size.
  if (op.isPacked() || op.isPaged())
    return {};
  int64_t queries = op.getQ().getType().getDimSize(1);
  int64_t depth = op.getDepthSize();
  if (ShapedType::isDynamic(queries) || ShapedType::isDynamic(depth))
    return {};
  TuningKey key{computeCapabilityOf(target),
                "attention",
                getElementTypeName(op.getQ().getType().getElementType()).str(),
                stringifyDepthVisibility(op.getVisibility()).str(),
                op.getHeadDim(),
                op.getGroupSize(),
                depth,
                static_cast<int64_t>(llvm::PowerOf2Ceil(queries)),
                op.getCausal()};
  const TuningEntry *found = nullptr;
  for (const TuningEntry &entry : entries) {
    if (!(entry.key == key))
      continue;
    if (!found || (!device.empty() && entry.device == device))
      found = &entry;
  }
  if (!found)
    return {};
  auto get = [&](StringRef field) {
    return found->config.getInteger(field).value_or(0);
  };
  auto config = KernelConfigAttr::get(
      op.getContext(), get("block_m"), get("block_n"), get("block_depth"),
      get("num_warps"), get("num_stages"),
      symbolizeMmaKind(found->config.getString("mma").value_or("fma"))
          .value_or(MmaKind::Fma),
      target);
  // A stale entry (the configuration rules or the shared-tile plan changed
  // since it was tuned) is ignored rather than compiled into a kernel that
  // cannot be built.
  if (whyInvalidForwardConfig(config, op.getGroupSize(), op.getHeadDim(),
                              op.getQ().getType().getElementType()) ||
      !fitsSharedMemory(op, config))
    return {};
  return config;
}

void SelectKernelConfigPass::runOnOperation() {
  std::string path = database;
  if (path.empty())
    if (const char *fromEnvironment = std::getenv("MODA_TUNING_DB"))
      path = fromEnvironment;
  if (!path.empty()) {
    std::string error;
    auto read = readDatabase(path, error);
    if (!read) {
      getOperation()->emitError("cannot read tuning database '")
          << path << "': " << error;
      return signalPassFailure();
    }
    entries = std::move(*read);
  }

  MLIRContext *context = &getContext();
  auto setSource = [&](Operation *op, StringRef source) {
    op->setAttr(kConfigSourceAttrName, StringAttr::get(context, source));
  };
  WalkResult walk = getOperation()->walk([&](Operation *op) {
    auto fits = [&](KernelConfigAttr config) {
      return fitsSharedMemory(op, config);
    };
    if (auto attention = dyn_cast<AttentionOp>(op)) {
      if (KernelConfigAttr given = attention.getConfigAttr())
        return checkSharedMemory(op, given);
      if (KernelConfigAttr tuned = lookUp(attention)) {
        attention.setConfigAttr(tuned);
        setSource(op, "database");
        return WalkResult::advance();
      }
      ForwardProblem problem = ForwardProblem::of(attention);
      KernelConfigAttr chosen = getDecodeConfig(
          attention, getForwardHeuristicConfig(context, problem, target, fits),
          fits);
      if (attention.isPaged())
        chosen = fitKeyTilesToPages(context, problem, chosen,
                                    attention.getPageSize(), fits);
      if (!chosen) {
        op->emitOpError("has no kernel configuration whose key tiles "
                        "(block_n) divide its page size ")
            << attention.getPageSize()
            << " (operand 'k' dimension 1); use a multiple of 32";
        return WalkResult::interrupt();
      }
      attention.setConfigAttr(chosen);
      setSource(op, "heuristic");
    } else if (auto grad = dyn_cast<AttentionGradOp>(op)) {
      if (KernelConfigAttr given = grad.getConfigAttr())
        return checkSharedMemory(op, given);
      grad.setConfigAttr(getBackwardHeuristicConfig(
          context, ForwardProblem::of(grad), target, fits));
      setSource(op, "heuristic");
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    signalPassFailure();
}

} // namespace
