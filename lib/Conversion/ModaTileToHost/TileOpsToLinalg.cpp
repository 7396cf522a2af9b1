//===- TileOpsToLinalg.cpp - moda_tile ops as host tensor code ------------===//
//
// The host gives every tile op its plain meaning on tensors: the arithmetic
// as linalg.generic (one iteration per element; bufferization and
// convert-linalg-to-loops turn it into loops), loads and stores as loops
// over rows of vector loads and stores. Rows are addressed by RowLayout.cpp
// and masks by Visibility.cpp, the same two functions every target asks.
//
//===----------------------------------------------------------------------===//

#include "TileOpsToLinalg.h"

#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"
#include "moda/Dialect/ModaTile/IR/RowLayout.h"
#include "moda/Dialect/ModaTile/IR/SoftmaxMath.h"
#include "moda/Dialect/ModaTile/IR/PackedSequences.h"
#include "moda/Dialect/ModaTile/IR/PagedKeys.h"
#include "moda/Dialect/ModaTile/IR/Visibility.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

using utils::IteratorType;
using BodyBuilder = function_ref<void(OpBuilder &, Location, ValueRange)>;

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}
Value f32Constant(OpBuilder &b, Location loc, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

/// (d0, d1) -> (d0, d1) and (d0, d1) -> (d0): a tile and its rows.
AffineMap tileMap(MLIRContext *ctx) {
  return AffineMap::getMultiDimIdentityMap(2, ctx);
}
AffineMap rowMap(MLIRContext *ctx) {
  return AffineMap::get(2, 0, getAffineDimExpr(0, ctx));
}

/// A linalg.generic producing one fresh tensor of `type` from `inputs`.
Value generic(OpBuilder &b, Location loc, RankedTensorType type,
              ValueRange inputs, ArrayRef<AffineMap> inputMaps,
              AffineMap outputMap, ArrayRef<IteratorType> iterators,
              BodyBuilder body) {
  Value init = tensor::EmptyOp::create(b, loc, type.getShape(),
                                       type.getElementType());
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(outputMap);
  return linalg::GenericOp::create(b, loc, TypeRange{type}, inputs,
                                   ValueRange{init}, maps, iterators, body)
      .getResult(0);
}

/// A per-row reduction of a rank-2 tile, starting from `initial`.
Value reduceRows(OpBuilder &b, Location loc, Value tile, double initial,
                 function_ref<Value(OpBuilder &, Location, Value, Value)>
                     combine) {
  MLIRContext *ctx = b.getContext();
  auto tileType = cast<RankedTensorType>(tile.getType());
  auto rowType =
      RankedTensorType::get({tileType.getDimSize(0)}, b.getF32Type());
  Value init = arith::ConstantOp::create(
      b, loc, DenseElementsAttr::get(rowType, b.getF32FloatAttr(initial)));
  return linalg::GenericOp::create(
             b, loc, TypeRange{rowType}, ValueRange{tile}, ValueRange{init},
             ArrayRef<AffineMap>{tileMap(ctx), rowMap(ctx)},
             ArrayRef<IteratorType>{IteratorType::parallel,
                                    IteratorType::reduction},
             [&](OpBuilder &nested, Location nestedLoc, ValueRange args) {
               linalg::YieldOp::create(
                   nested, nestedLoc,
                   combine(nested, nestedLoc, args[1], args[0]));
             })
      .getResult(0);
}

Value toF32(OpBuilder &b, Location loc, Value v) {
  if (v.getType().isF32())
    return v;
  return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
}

/// A loop over the `numRows` rows of a tile, the row's index and whether it
/// lies before `end` handed to `body`; `iterArgs` threads a tensor through.
scf::ForOp forEachRow(
    OpBuilder &b, Location loc, int64_t numRows, Value first, Value end,
    ValueRange iterArgs,
    function_ref<void(OpBuilder &, Location, Value, Value, Value, ValueRange)>
        body) {
  return scf::ForOp::create(
      b, loc, indexConstant(b, loc, 0), indexConstant(b, loc, numRows),
      indexConstant(b, loc, 1), iterArgs,
      [&](OpBuilder &nested, Location nestedLoc, Value r, ValueRange args) {
        Value row = arith::AddIOp::create(nested, nestedLoc, first, r);
        Value inside = arith::CmpIOp::create(
            nested, nestedLoc, arith::CmpIPredicate::slt, row, end);
        body(nested, nestedLoc, r, row, inside, args);
      });
}

struct LoadToRowLoop : OpRewritePattern<LoadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(LoadOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getResult().getType();
    if (op.getRows().getKind() == RowKind::Lse)
      return loadRowValues(op, rewriter);
    int64_t rowLength = type.getDimSize(1);
    auto rowType = VectorType::get({rowLength}, type.getElementType());
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType());
    auto loop = forEachRow(
        rewriter, loc, type.getDimSize(0), op.getFirst(), op.getEnd(), init,
        [&](OpBuilder &b, Location l, Value r, Value row, Value inside,
            ValueRange args) {
          // Rows past the end read as zeros; their address is never used.
          Value safeRow = arith::SelectOp::create(b, l, inside, row,
                                                  op.getFirst());
          Value offset = buildRowOffset(
              b, l, RowAddress::of(op, rowLength), safeRow);
          auto read = scf::IfOp::create(
              b, l, inside,
              [&](OpBuilder &then, Location tl) {
                Value data = vector::LoadOp::create(then, tl, rowType,
                                                    op.getBuffer(), offset);
                scf::YieldOp::create(then, tl, data);
              },
              [&](OpBuilder &otherwise, Location el) {
                Value zeros = arith::ConstantOp::create(
                    otherwise, el,
                    DenseElementsAttr::get(
                        rowType, otherwise.getFloatAttr(
                                     type.getElementType(), 0.0)));
                scf::YieldOp::create(otherwise, el, zeros);
              });
          Value zero = indexConstant(b, l, 0);
          Value written = vector::TransferWriteOp::create(
              b, l, read.getResult(0), args[0], ValueRange{r, zero},
              ArrayRef<bool>{true})
                              .getResult();
          scf::YieldOp::create(b, l, written);
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }

private:
  /// One value per row (lse, delta), as tensor<R> or as tensor<1xR>.
  static LogicalResult loadRowValues(LoadOp op, PatternRewriter &rewriter) {
    Location loc = op.getLoc();
    RankedTensorType type = op.getResult().getType();
    bool asRow = type.getRank() == 2;
    int64_t numRows = type.getDimSize(asRow ? 1 : 0);
    Value init = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                         type.getElementType());
    auto loop = forEachRow(
        rewriter, loc, numRows, op.getFirst(), op.getEnd(), init,
        [&](OpBuilder &b, Location l, Value r, Value row, Value inside,
            ValueRange args) {
          auto read = scf::IfOp::create(
              b, l, inside,
              [&](OpBuilder &then, Location tl) {
                Value offset = buildRowOffset(
                    then, tl, RowAddress::of(op, /*rowLength=*/1), row);
                scf::YieldOp::create(
                    then, tl,
                    memref::LoadOp::create(then, tl, op.getBuffer(), offset)
                        .getResult());
              },
              [&](OpBuilder &otherwise, Location el) {
                scf::YieldOp::create(otherwise, el,
                                     f32Constant(otherwise, el, 0.0));
              });
          SmallVector<Value> at = {r};
          if (asRow)
            at.insert(at.begin(), indexConstant(b, l, 0));
          Value written =
              tensor::InsertOp::create(b, l, read.getResult(0), args[0], at);
          scf::YieldOp::create(b, l, written);
        });
    rewriter.replaceOp(op, loop.getResult(0));
    return success();
  }
};

struct StoreToRowLoop : OpRewritePattern<StoreOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(StoreOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    RankedTensorType type = op.getTile().getType();
    bool perRowValue = type.getRank() == 1; // lse
    int64_t rowLength = perRowValue ? 1 : type.getDimSize(1);
    forEachRow(
        rewriter, loc, type.getDimSize(0), op.getFirst(), op.getEnd(),
        ValueRange{},
        [&](OpBuilder &b, Location l, Value r, Value row, Value inside,
            ValueRange) {
          auto write = scf::IfOp::create(b, l, inside, /*withElse=*/false);
          OpBuilder then = write.getThenBodyBuilder();
          Value offset =
              buildRowOffset(then, l, RowAddress::of(op, rowLength), row);
          if (perRowValue) {
            Value value = tensor::ExtractOp::create(then, l, op.getTile(), r);
            memref::StoreOp::create(then, l, value, op.getBuffer(), offset);
          } else {
            auto rowType = VectorType::get({rowLength}, type.getElementType());
            Value zero = indexConstant(then, l, 0);
            Value padding = arith::ConstantOp::create(
                then, l, then.getFloatAttr(type.getElementType(), 0.0));
            Value data = vector::TransferReadOp::create(
                then, l, rowType, op.getTile(), ValueRange{r, zero}, padding,
                ArrayRef<bool>{true});
            vector::StoreOp::create(then, l, data, op.getBuffer(), offset);
          }
          scf::YieldOp::create(b, l);
        });
    rewriter.eraseOp(op);
    return success();
  }
};

struct DotToGeneric : OpRewritePattern<DotOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(DotOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    auto map = [&](ArrayRef<AffineExpr> results) {
      return AffineMap::get(3, 0, results, ctx);
    };
    SmallVector<AffineMap> maps = {
        map({m, k}), op.getTransposeRhs() ? map({n, k}) : map({k, n}),
        map({m, n})};
    auto product = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{op.getResult().getType()},
        ValueRange{op.getLhs(), op.getRhs()}, ValueRange{op.getAcc()}, maps,
        ArrayRef<IteratorType>{IteratorType::parallel, IteratorType::parallel,
                               IteratorType::reduction},
        [](OpBuilder &b, Location loc, ValueRange args) {
          Value term = arith::MulFOp::create(b, loc, toF32(b, loc, args[0]),
                                             toF32(b, loc, args[1]));
          linalg::YieldOp::create(b, loc,
                                  arith::AddFOp::create(b, loc, args[2], term)
                                      .getResult());
        });
    rewriter.replaceOp(op, product.getResult(0));
    return success();
  }
};

struct MaskToGeneric : OpRewritePattern<MaskOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MaskOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    VisibilitySizes sizes{op.getQueries(), op.getKeys(), op.getDepth()};
    Value masked = generic(
        rewriter, op.getLoc(), op.getScores().getType(), op.getScores(),
        tileMap(ctx), tileMap(ctx),
        {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value row = arith::AddIOp::create(
              b, loc, op.getFirstRow(), linalg::IndexOp::create(b, loc, 0));
          Value column = arith::AddIOp::create(
              b, loc, op.getFirstColumn(), linalg::IndexOp::create(b, loc, 1));
          Value group = indexConstant(b, loc, op.getGroup());
          Value visible =
              op.getTransposed()
                  ? buildIsSeenBy(b, loc, op.getVisibility(), row,
                                  arith::DivUIOp::create(b, loc, column, group),
                                  sizes)
                  : buildIsVisible(b, loc, op.getVisibility(),
                                   arith::DivUIOp::create(b, loc, row, group),
                                   column, sizes);
          linalg::YieldOp::create(
              b, loc,
              arith::SelectOp::create(b, loc, visible, args[0],
                                      f32Constant(b, loc, -INFINITY))
                  .getResult());
        });
    rewriter.replaceOp(op, masked);
    return success();
  }
};

struct SoftmaxUpdateToGenerics : OpRewritePattern<SoftmaxUpdateOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxUpdateOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    RankedTensorType tileType = op.getScores().getType();
    RankedTensorType rowType = op.getMax().getType();
    double exp2Scale = op.getExp2Scale().convertToDouble();
    const IteratorType parallel = IteratorType::parallel;
    AffineMap rowIdentity = AffineMap::getMultiDimIdentityMap(1, ctx);

    Value tileMax = reduceRows(
        rewriter, loc, op.getScores(), -INFINITY,
        [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          return arith::MaximumFOp::create(b, l, acc, x);
        });
    Value newMax = generic(
        rewriter, loc, rowType, {op.getMax(), tileMax},
        {rowIdentity, rowIdentity}, rowIdentity, {parallel},
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, arith::MaximumFOp::create(b, l, args[0], args[1]).getResult());
        });
    Value probs = generic(
        rewriter, loc, tileType, {op.getScores(), newMax},
        {tileMap(ctx), rowMap(ctx)}, tileMap(ctx), {parallel, parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              buildScaledExp2(b, l, args[0], buildSafeMax(b, l, args[1]),
                              exp2Scale));
        });
    Value rescale = generic(
        rewriter, loc, rowType, {op.getMax(), newMax},
        {rowIdentity, rowIdentity}, rowIdentity, {parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l,
              buildRescaleFactor(b, l, args[0], buildSafeMax(b, l, args[1]),
                                 exp2Scale));
        });
    Value tileSum = reduceRows(
        rewriter, loc, probs, 0.0,
        [](OpBuilder &b, Location l, Value acc, Value x) -> Value {
          return arith::AddFOp::create(b, l, acc, x);
        });
    Value newSum = generic(
        rewriter, loc, rowType, {op.getSum(), rescale, tileSum},
        {rowIdentity, rowIdentity, rowIdentity}, rowIdentity, {parallel},
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, buildUpdatedSum(b, l, args[0], args[1], args[2]));
        });
    rewriter.replaceOp(op, {newMax, probs, rescale, newSum});
    return success();
  }
};

struct ScaleRowsToGeneric : OpRewritePattern<ScaleRowsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ScaleRowsOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    Value scaled = generic(
        rewriter, op.getLoc(), op.getTile().getType(),
        {op.getTile(), op.getFactors()}, {tileMap(ctx), rowMap(ctx)},
        tileMap(ctx), {IteratorType::parallel, IteratorType::parallel},
        [](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, arith::MulFOp::create(b, l, args[0], args[1]).getResult());
        });
    rewriter.replaceOp(op, scaled);
    return success();
  }
};

struct MergePartialToGenerics : OpRewritePattern<MergePartialOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(MergePartialOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    RankedTensorType rowType = op.getMax().getType();
    AffineMap rowIdentity = AffineMap::getMultiDimIdentityMap(1, ctx);
    // Per row, in one pass: the merged maximum and sum and the weights of
    // the accumulator and of the partial (the same arithmetic as the GPU's).
    SmallVector<Value> inits;
    for (int i = 0; i < 4; ++i)
      inits.push_back(tensor::EmptyOp::create(rewriter, loc, rowType.getShape(),
                                              rowType.getElementType()));
    auto rows = linalg::GenericOp::create(
        rewriter, loc, TypeRange(SmallVector<Type>(4, rowType)),
        ValueRange{op.getMax(), op.getSum(), op.getPartialLse()}, inits,
        SmallVector<AffineMap>(7, rowIdentity),
        ArrayRef<IteratorType>{IteratorType::parallel},
        [](OpBuilder &b, Location l, ValueRange args) {
          MergeWeights w = buildMergeWeights(b, l, args[0], args[2]);
          Value sum = buildUpdatedSum(b, l, args[1], w.rescale, w.weight);
          linalg::YieldOp::create(
              b, l, ValueRange{w.newMax, sum, w.rescale, w.weight});
        });
    Value newMax = rows.getResult(0), newSum = rows.getResult(1);
    Value rescale = rows.getResult(2), weight = rows.getResult(3);
    Value newAcc = generic(
        rewriter, loc, op.getAcc().getType(),
        {op.getAcc(), op.getPartial(), rescale, weight},
        {tileMap(ctx), tileMap(ctx), rowMap(ctx), rowMap(ctx)}, tileMap(ctx),
        {IteratorType::parallel, IteratorType::parallel},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value kept = arith::MulFOp::create(b, l, args[0], args[2]);
          linalg::YieldOp::create(
              b, l,
              math::FmaOp::create(b, l, args[1], args[3], kept).getResult());
        });
    rewriter.replaceOp(op, {newMax, newSum, newAcc});
    return success();
  }
};

struct FinalizeToGenerics : OpRewritePattern<FinalizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(FinalizeOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    RankedTensorType outType = op.getOut().getType();
    Type outElement = outType.getElementType();
    double exp2Scale = op.getExp2Scale().convertToDouble();
    AffineMap rowIdentity = AffineMap::getMultiDimIdentityMap(1, ctx);
    Value out = generic(
        rewriter, loc, outType, {op.getAcc(), op.getSum()},
        {tileMap(ctx), rowMap(ctx)}, tileMap(ctx),
        {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, buildNormalizedOutput(b, l, args[0], args[1], outElement));
        });
    Value lse = generic(
        rewriter, loc, op.getLse().getType(), {op.getMax(), op.getSum()},
        {rowIdentity, rowIdentity}, rowIdentity, {IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, buildLogSumExp(b, l, args[0], args[1], exp2Scale));
        });
    rewriter.replaceOp(op, {out, lse});
    return success();
  }
};

/// The step inline, its results taken row by row: from the body where the
/// row may see the tile (the test a GPU group of threads makes, for a group
/// of one row), the carried value otherwise. So the host checks both that
/// test and the body.
struct IfSeenToSelects : OpRewritePattern<IfSeenOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(IfSeenOp op,
                                PatternRewriter &rewriter) const override {
    Block &body = op.getBody().front();
    auto yield = cast<tile::YieldOp>(body.getTerminator());
    SmallVector<Value> stepped(yield.getValues());
    rewriter.eraseOp(yield);
    rewriter.inlineBlockBefore(&body, op);
    VisibilitySizes sizes{op.getQueries(), op.getKeys(), op.getDepth()};
    SmallVector<Value> results;
    for (auto [carried, next] : llvm::zip_equal(op.getCarried(), stepped)) {
      auto type = cast<RankedTensorType>(carried.getType());
      AffineMap identity =
          AffineMap::getMultiDimIdentityMap(type.getRank(), getContext());
      SmallVector<IteratorType> parallel(type.getRank(),
                                         IteratorType::parallel);
      results.push_back(generic(
          rewriter, op.getLoc(), type, ValueRange{carried, next},
          {identity, identity}, identity, parallel,
          [&](OpBuilder &b, Location loc, ValueRange args) {
            Value row = linalg::IndexOp::create(b, loc, 0);
            Value seen = buildRowsMaySeeColumns(
                b, loc, op.getVisibility(), op.getFirstRow(), row, row,
                op.getGroup(), op.getFirstColumn(), op.getColumns(), sizes);
            linalg::YieldOp::create(
                b, loc,
                arith::SelectOp::create(b, loc, seen, args[1], args[0])
                    .getResult());
          }));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

struct ExpandVisibleRange : OpRewritePattern<VisibleRangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(VisibleRangeOp op,
                                PatternRewriter &rewriter) const override {
    auto [begin, end] = buildVisibleRange(
        rewriter, op.getLoc(), op.getVisibility(), op.getPosition(),
        {op.getQueries(), op.getKeys(), op.getDepth()});
    rewriter.replaceOp(op, {begin, end});
    return success();
  }
};

struct ExpandSequenceBounds : OpRewritePattern<SequenceBoundsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SequenceBoundsOp op,
                                PatternRewriter &rewriter) const override {
    auto [begin, length] =
        buildSequenceBounds(rewriter, op.getLoc(), op.getCuSeqlens(),
                            op.getSequence(), op.getTokens());
    rewriter.replaceOp(op, {begin, length});
    return success();
  }
};

struct ExpandPageLookup : OpRewritePattern<PageLookupOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(PageLookupOp op,
                                PatternRewriter &rewriter) const override {
    auto [page, row] = buildPageLookup(
        rewriter, op.getLoc(), op.getBlockTable(), op.getBatch(), op.getKey(),
        op.getPages(), op.getPageSize(), op.getPagesPerEntry());
    rewriter.replaceOp(op, {page, row});
    return success();
  }
};

/// The map of per-row (tensor<M>) or per-column (tensor<1xN>) statistics
/// of a tile.
AffineMap statisticsMap(MLIRContext *ctx, Value statistics) {
  if (cast<RankedTensorType>(statistics.getType()).getRank() == 1)
    return rowMap(ctx);
  return AffineMap::get(2, 0,
                        {getAffineConstantExpr(0, ctx), getAffineDimExpr(1, ctx)},
                        ctx);
}

struct SoftmaxProbsToGeneric : OpRewritePattern<SoftmaxProbsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxProbsOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    double exp2Scale = op.getExp2Scale().convertToDouble();
    Value probs = generic(
        rewriter, op.getLoc(), op.getScores().getType(),
        {op.getScores(), op.getLse()},
        {tileMap(ctx), statisticsMap(ctx, op.getLse())}, tileMap(ctx),
        {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, buildProbsFromLse(b, l, args[0], args[1], exp2Scale));
        });
    rewriter.replaceOp(op, probs);
    return success();
  }
};

struct SoftmaxGradToGeneric : OpRewritePattern<SoftmaxGradOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SoftmaxGradOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    double scale = op.getScale().convertToDouble();
    Value gradient = generic(
        rewriter, op.getLoc(), op.getProbs().getType(),
        {op.getProbs(), op.getDprobs(), op.getDelta()},
        {tileMap(ctx), tileMap(ctx), statisticsMap(ctx, op.getDelta())},
        tileMap(ctx), {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          linalg::YieldOp::create(
              b, l, buildScoreGradient(b, l, args[0], args[1], args[2], scale));
        });
    rewriter.replaceOp(op, gradient);
    return success();
  }
};

struct RowDotToGeneric : OpRewritePattern<RowDotOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RowDotOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    Location loc = op.getLoc();
    Value init = arith::ConstantOp::create(
        rewriter, loc,
        DenseElementsAttr::get(op.getResult().getType(),
                               rewriter.getF32FloatAttr(0.0)));
    auto sum = linalg::GenericOp::create(
        rewriter, loc, TypeRange{op.getResult().getType()},
        ValueRange{op.getLhs(), op.getRhs()}, ValueRange{init},
        ArrayRef<AffineMap>{tileMap(ctx), tileMap(ctx), rowMap(ctx)},
        ArrayRef<IteratorType>{IteratorType::parallel,
                               IteratorType::reduction},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value term = arith::MulFOp::create(b, l, toF32(b, l, args[0]),
                                             toF32(b, l, args[1]));
          linalg::YieldOp::create(
              b, l, arith::AddFOp::create(b, l, args[2], term).getResult());
        });
    rewriter.replaceOp(op, sum.getResult(0));
    return success();
  }
};

struct ConvertToGeneric : OpRewritePattern<ConvertOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ConvertOp op,
                                PatternRewriter &rewriter) const override {
    MLIRContext *ctx = op.getContext();
    RankedTensorType type = op.getResult().getType();
    Value converted = generic(
        rewriter, op.getLoc(), type, op.getTile(), tileMap(ctx), tileMap(ctx),
        {IteratorType::parallel, IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value value = args[0];
          if (type.getElementType() != value.getType())
            value = arith::TruncFOp::create(b, l, type.getElementType(), value);
          linalg::YieldOp::create(b, l, value);
        });
    rewriter.replaceOp(op, converted);
    return success();
  }
};

struct ExpandSeeingRange : OpRewritePattern<SeeingRangeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(SeeingRangeOp op,
                                PatternRewriter &rewriter) const override {
    auto [begin, end] = buildSeeingRange(
        rewriter, op.getLoc(), op.getVisibility(), op.getColumn(),
        {op.getQueries(), op.getKeys(), op.getDepth()});
    rewriter.replaceOp(op, {begin, end});
    return success();
  }
};

} // namespace

void mlir::moda::populateTileOpsToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LoadToRowLoop, StoreToRowLoop, DotToGeneric, MaskToGeneric,
               SoftmaxUpdateToGenerics, ScaleRowsToGeneric,
               MergePartialToGenerics, FinalizeToGenerics,
               ExpandVisibleRange, ExpandSequenceBounds, ExpandPageLookup, SoftmaxProbsToGeneric, SoftmaxGradToGeneric,
               RowDotToGeneric, ConvertToGeneric, ExpandSeeingRange,
               IfSeenToSelects>(
      patterns.getContext());
}
