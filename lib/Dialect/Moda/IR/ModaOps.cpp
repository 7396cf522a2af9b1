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
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"


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

/// The `lse` type of an operator whose queries have type `qType`:
/// [B, Hq, T] in f32.
static RankedTensorType getLseType(RankedTensorType qType) {
  return RankedTensorType::get(
      {qType.getDimSize(0), qType.getDimSize(2), qType.getDimSize(1)},
      Float32Type::get(qType.getContext()));
}

template <typename OpTy>
static LogicalResult verifyAttentionOperands(OpTy op) {
  Operation *raw = op.getOperation();
  if (op.getStrided() && op.getConfigAttr() &&
      op.getConfigAttr().getLowering() != KernelLowering::TilePrograms)
    return op.emitOpError("takes its operands as views (strided), which "
                          "only the tile programs compile; its configuration "
                          "must say lowering = tile");
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

  // Queries: [B, T, Hq, D] with static Hq and D.
  if (failed(checkTensor(raw, "q", qType, 4, "[B, T, Hq, D]")) ||
      failed(checkStaticDim(raw, "q", qType, 2, "query heads Hq")) ||
      failed(checkStaticDim(raw, "q", qType, 3, "head dim D")))
    return failure();
  int64_t batch = qType.getDimSize(0), queries = qType.getDimSize(1);
  int64_t queryHeads = qType.getDimSize(2), headDim = qType.getDimSize(3);
  if (headDim <= 0)
    return op.emitOpError("head dim D = ")
           << headDim << " (operand 'q') must be positive";
  int64_t kvHeads = ShapedType::kDynamic;
  StringRef kvHeadsFrom;

  // Sequence keys and values: [B, S, Hk, D].
  if (kType) {
    if (failed(checkTensor(raw, "k", kType, 4, "[B, S, Hk, D]")) ||
        failed(checkSameElementType(raw, "k", kType, qType, "q")) ||
        failed(checkCompatibleTypes(raw, "operand", "v", vType, "operand 'k'",
                                    kType)) ||
        failed(checkDim(raw, "k", kType, 0, "batch size B", batch, "q")) ||
        failed(checkStaticDim(raw, "k", kType, 2, "key/value heads Hk")) ||
        failed(checkDim(raw, "k", kType, 3, "head dim D", headDim, "q")))
      return failure();
    kvHeads = kType.getDimSize(2);
    kvHeadsFrom = "k";
    int64_t keys = kType.getDimSize(1);
    if (visibility == DepthVisibility::Chunk && sizesConflict(keys, queries))
      return op.emitOpError("visibility = chunk needs as many sequence keys "
                            "as queries (S == T), got S = ")
             << keys << " and T = " << queries;
  }

  // Depth keys and values: [B, T, L, Hk, D].
  if (dkType) {
    if (failed(checkTensor(raw, "depth_k", dkType, 5, "[B, T, L, Hk, D]")) ||
        failed(checkSameElementType(raw, "depth_k", dkType, qType, "q")) ||
        failed(checkCompatibleTypes(raw, "operand", "depth_v", dvType,
                                    "operand 'depth_k'", dkType)) ||
        failed(checkDim(raw, "depth_k", dkType, 0, "batch size B", batch,
                        "q")) ||
        failed(checkDim(raw, "depth_k", dkType, 1, "positions T", queries,
                        "q")) ||
        failed(checkStaticDim(raw, "depth_k", dkType, 3,
                              "key/value heads Hk")) ||
        failed(checkDim(raw, "depth_k", dkType, 4, "head dim D", headDim,
                        "q")))
      return failure();
    if (kType) {
      if (failed(checkDim(raw, "depth_k", dkType, 3, "key/value heads Hk",
                          kvHeads, "k")))
        return failure();
    } else {
      kvHeads = dkType.getDimSize(3);
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
  return cast<RankedTensorType>(op.getDepthK().getType()).getDimSize(2);
}

//===----------------------------------------------------------------------===//
// AttentionOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionOp::verify() {
  if (failed(verifyAttentionOperands(*this)))
    return failure();
  Operation *op = getOperation();
  auto qType = cast<RankedTensorType>(getQ().getType());
  if (failed(checkCompatibleTypes(op, "result", "out", getOut().getType(),
                                  "operand 'q'", qType)) ||
      failed(checkCompatibleTypes(op, "result", "lse", getLse().getType(),
                                  "[B, Hq, T] in f32", getLseType(qType))))
    return failure();
  return success();
}

int64_t AttentionOp::getNumQueryHeads() {
  return getQ().getType().getDimSize(2);
}
int64_t AttentionOp::getNumKVHeads() { return getNumKVHeadsOf(*this); }
int64_t AttentionOp::getHeadDim() { return getQ().getType().getDimSize(3); }
int64_t AttentionOp::getDepthSize() { return getDepthSizeOf(*this); }

//===----------------------------------------------------------------------===//
// AttentionGradOp
//===----------------------------------------------------------------------===//

LogicalResult AttentionGradOp::verify() {
  if (failed(verifyAttentionOperands(*this)))
    return failure();
  Operation *op = getOperation();
  auto qType = cast<RankedTensorType>(getQ().getType());
  if (failed(checkCompatibleTypes(op, "operand", "out", getOut().getType(),
                                  "operand 'q'", qType)) ||
      failed(checkCompatibleTypes(op, "operand", "lse", getLse().getType(),
                                  "[B, Hq, T] in f32", getLseType(qType))) ||
      failed(checkCompatibleTypes(op, "operand", "d_out", getDOut().getType(),
                                  "operand 'q'", qType)) ||
      failed(checkCompatibleTypes(op, "result", "dq", getDq().getType(),
                                  "operand 'q'", qType)))
    return failure();

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

int64_t AttentionGradOp::getNumQueryHeads() {
  return getQ().getType().getDimSize(2);
}
int64_t AttentionGradOp::getNumKVHeads() { return getNumKVHeadsOf(*this); }
int64_t AttentionGradOp::getHeadDim() {
  return getQ().getType().getDimSize(3);
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
