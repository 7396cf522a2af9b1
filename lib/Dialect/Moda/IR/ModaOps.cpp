//===- ModaOps.cpp - moda operations: verifiers and shape queries ---------===//
//
// Every rule of the operator's specification is checked here, and every
// message names the operand or attribute and the expected versus actual
// value, so that a user of moda-opt can fix the input without reading code.
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"
#include "moda/Runtime/moda_runtime.h" // MODA_MAX_SCALE

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

#include <limits>


using namespace mlir;
using namespace mlir::moda;

#define GET_OP_CLASSES
#include "moda/Dialect/Moda/IR/ModaOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Diagnostics helpers
//===----------------------------------------------------------------------===//

/// A size as a tensor dimension prints it: an integer or `?`.
static std::string formatSize(int64_t size) {
  return ShapedType::isDynamic(size) ? "?" : std::to_string(size);
}

static bool sizesConflict(int64_t a, int64_t b) {
  return !ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b;
}

/// Checks that `type` is a tensor of rank `rank` laid out as `layout`, with a
/// supported element type.
static LogicalResult checkTensor(Operation *op, StringRef name,
                                 RankedTensorType type, int64_t rank,
                                 StringRef layout) {
  if (type.getRank() != rank)
    return op->emitOpError() << "operand '" << name << "' must have rank "
                             << rank << " " << layout << ", got rank "
                             << type.getRank();
  if (!isSupportedElementType(type.getElementType()))
    return op->emitOpError()
           << "operand '" << name
           << "' must have element type bf16, f16 or f32, got "
           << type.getElementType();
  return success();
}

/// Checks that dimension `dim` of operand `name` (called `what`) agrees with
/// `expected`, which comes from operand `from`.
static LogicalResult checkDim(Operation *op, StringRef name,
                              RankedTensorType type, unsigned dim,
                              StringRef what, int64_t expected,
                              StringRef from) {
  int64_t actual = type.getDimSize(dim);
  if (!sizesConflict(actual, expected))
    return success();
  return op->emitOpError() << "operand '" << name << "' " << what
                           << " (dimension " << dim << ") is " << formatSize(actual)
                           << ", expected " << formatSize(expected)
                           << " (from operand '" << from << "')";
}

static LogicalResult checkStaticDim(Operation *op, StringRef name,
                                    RankedTensorType type, unsigned dim,
                                    StringRef what) {
  if (!type.isDynamicDim(dim))
    return success();
  return op->emitOpError() << "operand '" << name << "' " << what
                           << " (dimension " << dim << ") must be static";
}

static LogicalResult checkSameElementType(Operation *op, StringRef name,
                                          RankedTensorType type,
                                          RankedTensorType reference,
                                          StringRef referenceName) {
  if (type.getElementType() == reference.getElementType())
    return success();
  return op->emitOpError() << "operand '" << name << "' element type "
                           << type.getElementType()
                           << " does not match operand '" << referenceName
                           << "' element type " << reference.getElementType();
}

/// Checks that `type` and `reference` are the same type up to dynamic sizes.
static LogicalResult checkCompatibleTypes(Operation *op, StringRef kind,
                                          StringRef name, Type type,
                                          StringRef referenceName,
                                          Type reference) {
  if (type.getTypeID() == reference.getTypeID() &&
      succeeded(verifyCompatibleShape(type, reference)) &&
      getElementTypeOrSelf(type) == getElementTypeOrSelf(reference))
    return success();
  return op->emitOpError() << kind << " '" << name << "' has type " << type
                           << ", expected " << reference << " (as "
                           << referenceName << ")";
}

static RankedTensorType tensorTypeOf(Value value) {
  return value ? cast<RankedTensorType>(value.getType()) : RankedTensorType();
}

//===----------------------------------------------------------------------===//
// Shared rules of moda.attention and moda.attention_grad
//===----------------------------------------------------------------------===//

/// Where MoDA's dimensions are in its tensors, for the verifiers: after a
/// batch dimension (`[B, T, Hq, D]`, ...) or, for packed sequences, without
/// one (`[N, Hq, D]`, ...). (The shape queries count from the innermost
/// dimension, where both layouts agree.)
struct TensorLayout {
  bool packed = false;
  /// The sequence keys and values are a pool of pages (moda.attention's
  /// `paged`): `[P, page_size, Hk, D]`.
  bool paged = false;

  /// The dimensions before a tensor's positions (or keys): its batch
  /// dimension, or none when packed.
  unsigned lead() const { return packed ? 0 : 1; }
  int64_t rank(int64_t unpackedRank) const {
    return unpackedRank - (packed ? 1 : 0);
  }
  /// The names of q's (and out's) dimensions, for messages.
  StringRef query() const { return packed ? "[N, Hq, D]" : "[B, T, Hq, D]"; }
  StringRef keys() const {
    return packed ? "[N, Hk, D]" : paged ? "[P, page_size, Hk, D]" : "[B, S, Hk, D]";
  }
  StringRef depth() const {
    return packed ? "[N, L, Hk, D]" : "[B, T, L, Hk, D]";
  }
  StringRef lse() const {
    return packed ? "[Hq, N] in f32" : "[B, Hq, T] in f32";
  }
  /// The `lse` type of an operator whose queries have type `qType`: [B, Hq,
  /// T] (packed: [Hq, N]) in f32.
  RankedTensorType lseType(RankedTensorType qType) const {
    Type f32 = Float32Type::get(qType.getContext());
    if (packed)
      return RankedTensorType::get({qType.getDimSize(1), qType.getDimSize(0)},
                                   f32);
    return RankedTensorType::get(
        {qType.getDimSize(0), qType.getDimSize(2), qType.getDimSize(1)}, f32);
  }
};

/// Checks the packed form's own operands: `cu_seqlens` a one-dimensional
/// i32 tensor of n + 1 >= 1 offsets, with `max_seqlen`, compiled by the
/// tile programs.
template <typename OpTy>
static LogicalResult verifyPackedOperands(OpTy op) {
  if (bool(op.getCuSeqlens()) != bool(op.getMaxSeqlen()))
    return op.emitOpError("operands 'cu_seqlens' and 'max_seqlen' must be "
                          "given together (packed sequences)");
  if (!op.getCuSeqlens())
    return success();
  auto cuType = cast<RankedTensorType>(op.getCuSeqlens().getType());
  if (cuType.getRank() != 1 || !cuType.getElementType().isInteger(32))
    return op.emitOpError("operand 'cu_seqlens' must be a one-dimensional "
                          "tensor of i32 offsets [n + 1], got ")
           << cuType;
  if (cuType.getDimSize(0) == 0)
    return op.emitOpError("operand 'cu_seqlens' must hold at least one "
                          "offset (n + 1 for n sequences), got none");
  if (op.getStrided())
    return op.emitOpError("takes packed sequences, whose tensors are "
                          "contiguous; 'strided' is not supported with them");
  return success();
}

/// Checks the paged form's own operands (moda.attention's `paged`): a
/// block table `[B, W]` of i32 page ids with `num_keys`, for a forward
/// with sequence keys, per-position visibility and no packed sequences,
/// whose pages hold a whole number of the configuration's key tiles.
static LogicalResult verifyPagedOperands(AttentionOp op) {
  if (bool(op.getBlockTable()) != bool(op.getNumKeys()))
    return op.emitOpError("operands 'block_table' and 'num_keys' must be "
                          "given together (a paged KV cache)");
  if (!op.isPaged())
    return success();
  auto tableType = cast<RankedTensorType>(op.getBlockTable().getType());
  if (tableType.getRank() != 2 || !tableType.getElementType().isInteger(32))
    return op.emitOpError("operand 'block_table' must be a two-dimensional "
                          "tensor of i32 page ids [B, W], got ")
           << tableType;
  if (tableType.isDynamicDim(1) || tableType.getDimSize(1) <= 0)
    return op.emitOpError("operand 'block_table' pages per batch entry W "
                          "(dimension 1) must be static and positive, got ")
           << formatSize(tableType.getDimSize(1));
  if (op.isPacked())
    return op.emitOpError("takes a paged KV cache (operand 'block_table') "
                          "and packed sequences (operand 'cu_seqlens'); "
                          "only one of them is supported at a time");
  if (!op.getK())
    return op.emitOpError("takes a paged KV cache (operand 'block_table') "
                          "but no sequence keys (operands 'k' and 'v')");
  if (op.getVisibility() != DepthVisibility::PerPosition)
    return op.emitOpError("takes a paged KV cache, which supports "
                          "visibility = per_position only, got visibility = ")
           << stringifyDepthVisibility(op.getVisibility());
  auto qType = cast<RankedTensorType>(op.getQ().getType());
  if (qType.getRank() == 4 &&
      sizesConflict(tableType.getDimSize(0), qType.getDimSize(0)))
    return op.emitOpError("operand 'block_table' batch size B (dimension 0) "
                          "is ")
           << formatSize(tableType.getDimSize(0)) << ", expected "
           << formatSize(qType.getDimSize(0)) << " (from operand 'q')";
  return success();
}

/// Checks a paged operator's page size (dimension 1 of `k`) once `k` has
/// the rank of its layout: static, positive, a multiple of the
/// configuration's block_n; and a constant `num_keys` against the pages
/// the block table gives a batch entry.
static LogicalResult verifyPageSize(AttentionOp op) {
  auto kType = cast<RankedTensorType>(op.getK().getType());
  int64_t pageSize = kType.getDimSize(1);
  if (ShapedType::isDynamic(pageSize) || pageSize <= 0)
    return op.emitOpError("operand 'k' page size (dimension 1) must be "
                          "static and positive for a paged KV cache, got ")
           << formatSize(pageSize);
  if (KernelConfigAttr config = op.getConfigAttr();
      config && pageSize % config.getBlockN() != 0)
    return op.emitOpError("config block_n = ")
           << config.getBlockN() << " must divide the page size "
           << pageSize << " (operand 'k' dimension 1): a key tile must lie "
           << "in one page";
  int64_t keys = op.getNumSequenceKeys();
  int64_t pagesPerEntry = op.getBlockTable().getType().getDimSize(1);
  if (!ShapedType::isDynamic(keys) &&
      (keys < 0 || keys > pagesPerEntry * pageSize))
    return op.emitOpError("operand 'num_keys' = ")
           << keys << " must be in [0, " << pagesPerEntry * pageSize
           << "]: the block table gives a batch entry " << pagesPerEntry
           << " pages of " << pageSize << " keys";
  return success();
}

template <typename OpTy>
static LogicalResult verifyAttentionOperands(OpTy op, TensorLayout layout) {
  Operation *raw = op.getOperation();
  unsigned lead = layout.lead();
  RankedTensorType qType = tensorTypeOf(op.getQ());
  RankedTensorType kType = tensorTypeOf(op.getK());
  RankedTensorType vType = tensorTypeOf(op.getV());
  RankedTensorType dkType = tensorTypeOf(op.getDepthK());
  RankedTensorType dvType = tensorTypeOf(op.getDepthV());
  DepthVisibility visibility = op.getVisibility();

  // Which operands the variant takes.
  if (bool(kType) != bool(vType))
    return op.emitOpError("operands 'k' and 'v' must be given together");
  if (bool(dkType) != bool(dvType))
    return op.emitOpError(
        "operands 'depth_k' and 'depth_v' must be given together");
  if (visibility == DepthVisibility::DepthOnly) {
    if (kType)
      return op.emitOpError("visibility = depth_only takes no sequence "
                            "operands 'k' and 'v'");
    if (!dkType)
      return op.emitOpError(
          "visibility = depth_only needs operands 'depth_k' and 'depth_v'");
    if (op.getCausal())
      return op.emitOpError("'causal' needs sequence keys; it has no meaning "
                            "with visibility = depth_only");
  } else if (!kType) {
    return op.emitOpError("operands 'k' and 'v' are required unless "
                          "visibility = depth_only");
  }
  if (visibility == DepthVisibility::Chunk) {
    if (!dkType)
      return op.emitOpError(
          "visibility = chunk needs operands 'depth_k' and 'depth_v'");
    if (!op.getChunkSize())
      return op.emitOpError("visibility = chunk needs a 'chunk_size'");
  }
  if (IntegerAttr chunk = op.getChunkSizeAttr()) {
    if (visibility != DepthVisibility::Chunk)
      return op.emitOpError("'chunk_size' is only meaningful with "
                            "visibility = chunk, got visibility = ")
             << stringifyDepthVisibility(visibility);
    // Read signed: the accessor's unsigned value would hide a negative size.
    if (chunk.getInt() <= 0)
      return op.emitOpError("'chunk_size' must be positive, got ")
             << chunk.getInt();
  }
  if (std::optional<APFloat> scale = op.getScale()) {
    if (!scale->isFiniteNonZero() || scale->isNegative()) {
      SmallString<16> text;
      scale->toString(text);
      return op.emitOpError("'scale' must be a finite positive number, got ")
             << text;
    }
    // A finite but huge scale overflows the f32 logits to inf (then NaN in
    // the softmax): bounded, with the bound the runtime checks too.
    if (scale->convertToDouble() > MODA_MAX_SCALE) {
      SmallString<16> text;
      scale->toString(text, /*FormatPrecision=*/6);
      return op.emitOpError("'scale' = ")
             << text << " exceeds " << int64_t(MODA_MAX_SCALE)
             << " (2^16): the f32 logits would overflow to inf; the usual "
                "scale is 1/sqrt(D)";
    }
  }

  // Queries: [B, T, Hq, D] (packed: [N, Hq, D]) with static Hq and D.
  if (failed(checkTensor(raw, "q", qType, layout.rank(4), layout.query())) ||
      failed(checkStaticDim(raw, "q", qType, lead + 1, "query heads Hq")) ||
      failed(checkStaticDim(raw, "q", qType, lead + 2, "head dim D")))
    return failure();
  int64_t batch = layout.packed ? ShapedType::kDynamic : qType.getDimSize(0);
  int64_t queries = qType.getDimSize(lead);
  int64_t queryHeads = qType.getDimSize(lead + 1);
  int64_t headDim = qType.getDimSize(lead + 2);
  if (headDim <= 0)
    return op.emitOpError("head dim D = ")
           << headDim << " (operand 'q') must be positive";
  // Far above any head a model uses, and the most rows of elements a tile
  // (and a configuration's block of query rows) holds, so that tile sizes
  // and the G rows a block must cover stay small integers.
  constexpr int64_t kMostHeadDim = 4096, kMostQueryHeads = 4096;
  if (headDim > kMostHeadDim)
    return op.emitOpError("head dim D = ")
           << headDim << " (operand 'q') must be at most " << kMostHeadDim;
  if (queryHeads > kMostQueryHeads)
    return op.emitOpError("query heads Hq = ")
           << queryHeads << " (operand 'q') must be at most "
           << kMostQueryHeads;
  int64_t kvHeads = ShapedType::kDynamic;
  StringRef kvHeadsFrom;
  // Packed tensors have no batch dimension to agree on, and their keys are
  // the queries' tokens.
  auto checkBatch = [&](StringRef name, RankedTensorType type) {
    bool pooled = layout.paged && (name == "k" || name == "v");
    return layout.packed || pooled ? success()
                         : checkDim(raw, name, type, 0, "batch size B", batch,
                                    "q");
  };

  // Sequence keys and values: [B, S, Hk, D] (packed: [N, Hk, D]).
  if (kType) {
    if (failed(checkTensor(raw, "k", kType, layout.rank(4), layout.keys())) ||
        failed(checkSameElementType(raw, "k", kType, qType, "q")) ||
        failed(checkCompatibleTypes(raw, "operand", "v", vType, "operand 'k'",
                                    kType)) ||
        failed(checkBatch("k", kType)) ||
        (layout.packed &&
         failed(checkDim(raw, "k", kType, 0, "tokens N", queries, "q"))) ||
        failed(checkStaticDim(raw, "k", kType, lead + 1,
                              "key/value heads Hk")) ||
        failed(checkDim(raw, "k", kType, lead + 2, "head dim D", headDim,
                        "q")))
      return failure();
    kvHeads = kType.getDimSize(lead + 1);
    kvHeadsFrom = "k";
    int64_t keys = layout.paged ? ShapedType::kDynamic : kType.getDimSize(lead);
    if (visibility == DepthVisibility::Chunk && sizesConflict(keys, queries))
      return op.emitOpError("visibility = chunk needs as many sequence keys "
                            "as queries (S == T), got S = ")
             << keys << " and T = " << queries;
  }

  // Depth keys and values: [B, T, L, Hk, D] (packed: [N, L, Hk, D]).
  if (dkType) {
    if (failed(checkTensor(raw, "depth_k", dkType, layout.rank(5),
                           layout.depth())) ||
        failed(checkSameElementType(raw, "depth_k", dkType, qType, "q")) ||
        failed(checkCompatibleTypes(raw, "operand", "depth_v", dvType,
                                    "operand 'depth_k'", dkType)) ||
        failed(checkBatch("depth_k", dkType)) ||
        failed(checkDim(raw, "depth_k", dkType, lead,
                        layout.packed ? "tokens N" : "positions T", queries,
                        "q")) ||
        failed(checkStaticDim(raw, "depth_k", dkType, lead + 2,
                              "key/value heads Hk")) ||
        failed(checkDim(raw, "depth_k", dkType, lead + 3, "head dim D",
                        headDim, "q")))
      return failure();
    if (kType) {
      if (failed(checkDim(raw, "depth_k", dkType, lead + 2,
                          "key/value heads Hk", kvHeads, "k")))
        return failure();
    } else {
      kvHeads = dkType.getDimSize(lead + 2);
      kvHeadsFrom = "depth_k";
    }
  }

  // Hq = 0 is a multiple of every Hk but leaves no group (G = 0).
  if (kvHeads <= 0 || queryHeads <= 0 || queryHeads % kvHeads != 0)
    return op.emitOpError("query heads Hq = ")
           << queryHeads << " (operand 'q') must be a positive multiple of "
           << "key/value heads Hk = " << kvHeads << " (operand '"
           << kvHeadsFrom << "')";

  if (KernelConfigAttr config = op.getConfigAttr()) {
    int64_t group = queryHeads / kvHeads;
    if (config.getBlockM() % group != 0)
      return op.emitOpError("config block_m = ")
             << config.getBlockM()
             << " must be a multiple of the group size G = Hq / Hk = "
             << group;
  }
  return success();
}

template <typename OpTy>
static int64_t getNumKVHeadsOf(OpTy op) {
  Value source = op.getK() ? op.getK() : op.getDepthK();
  auto type = cast<RankedTensorType>(source.getType());
  return type.getDimSize(type.getRank() - 2);
}

template <typename OpTy>
static int64_t getDepthSizeOf(OpTy op) {
  if (!op.getDepthK())
    return 0;
  auto type = cast<RankedTensorType>(op.getDepthK().getType());
  return type.getDimSize(type.getRank() - 3); // [..., L, Hk, D]
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  if (failed(verifyPackedOperands(*this)) ||
      failed(verifyPagedOperands(*this)))
    return failure();
  TensorLayout layout{isPacked(), isPaged()};
  if (failed(verifyAttentionOperands(*this, layout)) ||
      (isPaged() && failed(verifyPageSize(*this))))
    return failure();
  Operation *op = getOperation();
  auto qType = cast<RankedTensorType>(getQ().getType());
  if (failed(checkCompatibleTypes(op, "result", "out", getOut().getType(),
                                  "operand 'q'", qType)) ||
      failed(checkCompatibleTypes(op, "result", "lse", getLse().getType(),
                                  layout.lse(), layout.lseType(qType))))
    return failure();
  // Split-KV shares out the sequence keys of a block of query rows; packed
  // sequences own the grid's z axis per sequence, which the splits' merge
  // does not follow.
  if (KernelConfigAttr config = getConfigAttr();
      config && config.getKvSplits() > 1) {
    if (!getK())
      return emitOpError("config kv_splits = ")
             << config.getKvSplits()
             << " splits sequence keys, but the operator has none (operand "
                "'k')";
    if (isPacked())
      return emitOpError("config kv_splits = ")
             << config.getKvSplits()
             << " is not supported with packed sequences (operand "
                "'cu_seqlens')";
  }
  return success();
}

bool AttentionOp::isPacked() { return bool(getCuSeqlens()); }
int64_t AttentionOp::getPageSize() {
  return cast<RankedTensorType>(getK().getType()).getDimSize(1);
}
int64_t AttentionOp::getNumSequenceKeys() {
  if (!getK())
    return 0;
  if (!isPaged())
    return cast<RankedTensorType>(getK().getType()).getDimSize(1);
  APInt keys;
  if (matchPattern(getNumKeys(), m_ConstantInt(&keys)))
    return keys.getSExtValue();
  return ShapedType::kDynamic;
}
int64_t AttentionOp::getNumQueryHeads() {
  return getQ().getType().getDimSize(getQ().getType().getRank() - 2);
}
int64_t AttentionOp::getNumKVHeads() { return getNumKVHeadsOf(*this); }
int64_t AttentionOp::getHeadDim() {
  return getQ().getType().getDimSize(getQ().getType().getRank() - 1);
}
int64_t AttentionOp::getDepthSize() { return getDepthSizeOf(*this); }

//===----------------------------------------------------------------------===//
// AttentionGradOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionGradOp::verify() {
  if (failed(verifyPackedOperands(*this)))
    return failure();
  TensorLayout layout{isPacked()};
  if (failed(verifyAttentionOperands(*this, layout)))
    return failure();
  Operation *op = getOperation();
  auto qType = cast<RankedTensorType>(getQ().getType());
  if (failed(checkCompatibleTypes(op, "operand", "out", getOut().getType(),
                                  "operand 'q'", qType)) ||
      failed(checkCompatibleTypes(op, "operand", "lse", getLse().getType(),
                                  layout.lse(), layout.lseType(qType))) ||
      failed(checkCompatibleTypes(op, "operand", "d_out", getDOut().getType(),
                                  "operand 'q'", qType)) ||
      failed(checkCompatibleTypes(op, "result", "dq", getDq().getType(),
                                  "operand 'q'", qType)))
    return failure();
  if (KernelConfigAttr config = getConfigAttr();
      config && config.getKvSplits() > 1)
    return emitOpError("config kv_splits = ")
           << config.getKvSplits()
           << " splits a forward's sequence keys; the backward takes 1";

  // Each gradient exists exactly when its operand does, with its type.
  struct Pair {
    StringRef resultName, operandName;
    Value result, operand;
  };
  Pair pairs[] = {{"dk", "k", getDk(), getK()},
                  {"dv", "v", getDv(), getV()},
                  {"d_depth_k", "depth_k", getDDepthK(), getDepthK()},
                  {"d_depth_v", "depth_v", getDDepthV(), getDepthV()}};
  for (const Pair &pair : pairs) {
    if (bool(pair.result) != bool(pair.operand))
      return emitOpError("result '")
             << pair.resultName << "' must be present exactly when operand '"
             << pair.operandName << "' is";
    if (pair.result &&
        failed(checkCompatibleTypes(op, "result", pair.resultName,
                                    pair.result.getType(),
                                    ("operand '" + pair.operandName + "'").str(),
                                    pair.operand.getType())))
      return failure();
  }
  return success();
}

bool AttentionGradOp::isPacked() { return bool(getCuSeqlens()); }
int64_t AttentionGradOp::getNumQueryHeads() {
  return getQ().getType().getDimSize(getQ().getType().getRank() - 2);
}
int64_t AttentionGradOp::getNumKVHeads() { return getNumKVHeadsOf(*this); }
int64_t AttentionGradOp::getHeadDim() {
  return getQ().getType().getDimSize(getQ().getType().getRank() - 1);
}
int64_t AttentionGradOp::getDepthSize() { return getDepthSizeOf(*this); }

//===----------------------------------------------------------------------===//
// Depth stream
//===----------------------------------------------------------------------===//

LogicalResult StreamEmptyOp::verify() {
  DepthStreamType type = getStream().getType();
  int64_t dynamicDims = llvm::count_if(type.getEntryShape(),
                                       ShapedType::isDynamic);
  if (static_cast<int64_t>(getDynamicSizes().size()) != dynamicDims)
    return emitOpError("expected ")
           << dynamicDims
           << " dynamic size operands (one per '?' in the entry shape), got "
           << getDynamicSizes().size();
  // `?` is allowed: it only says the size is not tracked in the type (a
  // stream that a loop over layers carries).
  if (type.getSize() != 0 && !ShapedType::isDynamic(type.getSize()))
    return emitOpError("a new depth stream must have size 0 or ?, got size ")
           << type.getSize();
  return success();
}

LogicalResult StreamAppendOp::verify() {
  DepthStreamType streamType = getStream().getType();
  Operation *op = getOperation();
  if (failed(checkCompatibleTypes(op, "operand", "k", getK().getType(),
                                  "one stream entry [B, T, Hk, D]",
                                  streamType.getEntryType())) ||
      failed(checkCompatibleTypes(op, "operand", "v", getV().getType(),
                                  "one stream entry [B, T, Hk, D]",
                                  streamType.getEntryType())))
    return failure();
  int64_t size = streamType.getSize();
  if (!streamType.getWindow() && !ShapedType::isDynamic(size) &&
      size >= streamType.getCapacity())
    return emitOpError("cannot append to a full depth stream: size ")
           << size << " has reached capacity " << streamType.getCapacity()
           << " (a stream with `window` would drop its oldest entry)";
  // A window has no bound on its size but the count's own.
  if (size == std::numeric_limits<int64_t>::max())
    return emitOpError("cannot append to a depth stream of size ")
           << size << ": its count of entries would overflow 64 bits";
  int64_t expectedSize = ShapedType::isDynamic(size) ? size : size + 1;
  DepthStreamType expected = streamType.withSize(expectedSize);
  if (getResult().getType() != expected)
    return emitOpError("result has type ")
           << getResult().getType() << ", expected " << expected
           << " (the operand stream with one more entry)";
  return success();
}

LogicalResult StreamEntriesOp::verify() {
  RankedTensorType expected = getStream().getType().getEntriesType();
  Operation *op = getOperation();
  if (failed(checkCompatibleTypes(op, "result", "depth_k",
                                  getDepthK().getType(), "[B, T, size, Hk, D]",
                                  expected)) ||
      failed(checkCompatibleTypes(op, "result", "depth_v",
                                  getDepthV().getType(), "[B, T, size, Hk, D]",
                                  expected)))
    return failure();
  return success();
}
