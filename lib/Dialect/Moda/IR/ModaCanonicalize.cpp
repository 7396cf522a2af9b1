//===- ModaCanonicalize.cpp - exact canonicalizations of moda ops ---------===//
//
// Only rewrites that compute exactly the same values: an empty depth part
// (L == 0 entries per position) contributes nothing to the softmax, so it can
// be dropped; the entries of an empty stream are zero-sized tensors.
//
//===----------------------------------------------------------------------===//

#include "moda/Dialect/Moda/IR/ModaDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"

using namespace mlir;
using namespace mlir::moda;

/// True when `op` has depth operands with no entries, and dropping them keeps
/// a well-formed operator (a depth-only attention needs its depth operands).
template <typename OpTy>
static bool hasDroppableEmptyDepth(OpTy op) {
  return op.getDepthK() && op.getDepthSize() == 0 &&
         op.getVisibility() != DepthVisibility::DepthOnly;
}

namespace {

/// moda.attention with L == 0 depth entries is plain attention.
struct DropEmptyDepthFromAttention : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasDroppableEmptyDepth(op))
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getDepthKMutable().clear();
      op.getDepthVMutable().clear();
      // Without depth entries, chunk visibility has nothing to restrict.
      op.setVisibility(DepthVisibility::PerPosition);
      op.removeChunkSizeAttr();
    });
    return success();
  }
};

/// moda.attention_grad with L == 0 depth entries: the depth gradients are
/// zero-sized tensors, and the rest is the gradient of plain attention.
struct DropEmptyDepthFromAttentionGrad : OpRewritePattern<AttentionGradOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionGradOp op,
                                PatternRewriter &rewriter) const override {
    if (!hasDroppableEmptyDepth(op))
      return failure();
    Location loc = op.getLoc();
    auto plain = AttentionGradOp::create(
        rewriter, loc, op.getDq().getType(), op.getDk().getType(),
        op.getDv().getType(), /*d_depth_k=*/Type(), /*d_depth_v=*/Type(),
        op.getQ(), op.getK(), op.getV(), /*depth_k=*/Value(),
        /*depth_v=*/Value(), op.getOut(), op.getLse(), op.getDOut(),
        op.getCuSeqlens(), op.getMaxSeqlen(), op.getCausalAttr(), op.getScaleAttr(),
        DepthVisibilityAttr::get(op.getContext(),
                                 DepthVisibility::PerPosition),
        /*chunk_size=*/IntegerAttr(), op.getConfigAttr(),
        op.getStridedAttr());
    SmallVector<OpFoldResult> depthSizes =
        tensor::getMixedSizes(rewriter, loc, op.getDepthK());
    Type elementType = op.getDepthK().getType().getElementType();
    // Both depth gradients are the same zero-sized tensor.
    Value noDepth =
        tensor::EmptyOp::create(rewriter, loc, depthSizes, elementType);
    rewriter.replaceOp(op, ValueRange{plain.getDq(), plain.getDk(),
                                      plain.getDv(), noDepth, noDepth});
    return success();
  }
};

/// The entries of a stream with size 0 are zero-sized tensors, each of its
/// result's type (which may be more static than the stream's).
struct EntriesOfEmptyStream : OpRewritePattern<StreamEntriesOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(StreamEntriesOp op,
                                PatternRewriter &rewriter) const override {
    DepthStreamType streamType = op.getStream().getType();
    if (streamType.getSize() != 0)
      return failure();
    RankedTensorType streamEntries = streamType.getEntriesType();
    // Dynamic B and T come from the stream's creation, in the order of the
    // stream type's dynamic dimensions.
    ValueRange streamSizes;
    if (auto empty = op.getStream().getDefiningOp<StreamEmptyOp>())
      streamSizes = empty.getDynamicSizes();
    auto emptyOfType = [&](RankedTensorType type) -> FailureOr<Value> {
      SmallVector<Value> dynamicSizes;
      for (int64_t dim = 0; dim < type.getRank(); ++dim) {
        if (!type.isDynamicDim(dim))
          continue;
        if (!streamEntries.isDynamicDim(dim)) {
          dynamicSizes.push_back(arith::ConstantIndexOp::create(
              rewriter, op.getLoc(), streamEntries.getDimSize(dim)));
          continue;
        }
        unsigned position = streamEntries.getDynamicDimIndex(dim);
        if (position >= streamSizes.size())
          return failure(); // the size is not known here
        dynamicSizes.push_back(streamSizes[position]);
      }
      return Value(tensor::EmptyOp::create(rewriter, op.getLoc(), type,
                                           dynamicSizes));
    };
    FailureOr<Value> keys = emptyOfType(op.getDepthK().getType());
    if (failed(keys))
      return failure();
    Value values = *keys;
    if (op.getDepthV().getType() != op.getDepthK().getType()) {
      FailureOr<Value> other = emptyOfType(op.getDepthV().getType());
      if (failed(other))
        return failure();
      values = *other;
    }
    rewriter.replaceOp(op, {*keys, values});
    return success();
  }
};

} // namespace

void AttentionOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                              MLIRContext *context) {
  results.add<DropEmptyDepthFromAttention>(context);
}

void AttentionGradOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                  MLIRContext *context) {
  results.add<DropEmptyDepthFromAttentionGrad>(context);
}

void StreamEntriesOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                                  MLIRContext *context) {
  results.add<EntriesOfEmptyStream>(context);
}
