//===- SoftmaxMath.cpp - the online softmax's arithmetic, written once ----===//

#include "moda/Dialect/ModaTile/IR/SoftmaxMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/BuiltinTypes.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda::tile;

/// A constant of `like`'s type (f32, or a vector of f32) holding `value`.
static Value constantLike(OpBuilder &b, Location loc, Value like,
                          double value) {
  Type type = like.getType();
  FloatAttr scalar = b.getF32FloatAttr(value);
  if (auto vector = dyn_cast<VectorType>(type))
    return arith::ConstantOp::create(b, loc,
                                     DenseElementsAttr::get(vector, scalar));
  return arith::ConstantOp::create(b, loc, scalar);
}

/// Where the row saw something: sum > 0.
static Value sawSomething(OpBuilder &b, Location loc, Value sum) {
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, sum,
                               constantLike(b, loc, sum, 0.0));
}

Value mlir::moda::tile::buildSafeMax(OpBuilder &b, Location loc, Value max) {
  Value isEmpty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, max,
                                        constantLike(b, loc, max, -INFINITY));
  return arith::SelectOp::create(b, loc, isEmpty,
                                 constantLike(b, loc, max, 0.0), max);
}

/// exp2(x * scale - offset) as exp2(fma(x, scale, -offset)): one fused
/// multiply-add per element, `offset` computed once per row by the caller's
/// shape (a row's scalar, or its splat, which LLVM folds to the scalar).
static Value buildExp2OfScaledMinus(OpBuilder &b, Location loc, Value x,
                                    double scale, Value offset) {
  Value negatedOffset = arith::NegFOp::create(b, loc, offset);
  return math::Exp2Op::create(
      b, loc,
      math::FmaOp::create(b, loc, x, constantLike(b, loc, x, scale),
                          negatedOffset));
}

Value mlir::moda::tile::buildScaledExp2(OpBuilder &b, Location loc, Value x,
                                        Value base, double exp2Scale) {
  Value scaledBase = arith::MulFOp::create(
      b, loc, base, constantLike(b, loc, base, exp2Scale));
  return buildExp2OfScaledMinus(b, loc, x, exp2Scale, scaledBase);
}

Value mlir::moda::tile::buildRescaleFactor(OpBuilder &b, Location loc,
                                           Value oldMax, Value newMax,
                                           double exp2Scale) {
  auto scaled = [&](Value max) -> Value {
    return arith::MulFOp::create(b, loc, max,
                                 constantLike(b, loc, max, exp2Scale));
  };
  return math::Exp2Op::create(
      b, loc, arith::SubFOp::create(b, loc, scaled(oldMax), scaled(newMax)));
}

Value mlir::moda::tile::buildUpdatedSum(OpBuilder &b, Location loc,
                                        Value sum, Value rescale,
                                        Value stepSum) {
  Value kept = arith::MulFOp::create(b, loc, sum, rescale);
  return arith::AddFOp::create(b, loc, kept, stepSum);
}

MergeWeights mlir::moda::tile::buildMergeWeights(OpBuilder &b, Location loc,
                                                Value max, Value partialLse) {
  // Natural-log statistics: the online softmax's exp2 with scale log2(e).
  MergeWeights weights;
  weights.newMax = arith::MaximumFOp::create(b, loc, max, partialLse);
  Value base = buildSafeMax(b, loc, weights.newMax);
  weights.rescale = buildRescaleFactor(b, loc, max, base, M_LOG2E);
  weights.weight = buildScaledExp2(b, loc, partialLse, base, M_LOG2E);
  return weights;
}

Value mlir::moda::tile::buildNormalizedOutput(OpBuilder &b, Location loc,
                                              Value acc, Value sum,
                                              Type elementType) {
  // One division per row (the splat's), a product per element.
  Value reciprocal = arith::DivFOp::create(
      b, loc, constantLike(b, loc, sum, 1.0), sum);
  Value normalized = arith::MulFOp::create(b, loc, acc, reciprocal);
  Value value = arith::SelectOp::create(b, loc, sawSomething(b, loc, sum),
                                        normalized,
                                        constantLike(b, loc, acc, 0.0));
  if (elementType.isF32())
    return value;
  Type type = elementType;
  if (auto vector = dyn_cast<VectorType>(acc.getType()))
    type = vector.clone(elementType);
  return arith::TruncFOp::create(b, loc, type, value);
}

Value mlir::moda::tile::buildLogSumExp(OpBuilder &b, Location loc, Value max,
                                       Value sum, double exp2Scale) {
  Value logSumExp = arith::AddFOp::create(
      b, loc,
      arith::MulFOp::create(b, loc, max,
                            constantLike(b, loc, max, exp2Scale * M_LN2)),
      math::LogOp::create(b, loc, sum));
  return arith::SelectOp::create(b, loc, sawSomething(b, loc, sum), logSumExp,
                                 constantLike(b, loc, max, -INFINITY));
}

Value mlir::moda::tile::buildProbsFromLse(OpBuilder &b, Location loc, Value x,
                                          Value lse, double exp2Scale) {
  Value lseLog2 = arith::MulFOp::create(b, loc, lse,
                                        constantLike(b, loc, lse, M_LOG2E));
  Value sawNothing =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, lse,
                            constantLike(b, loc, lse, -INFINITY));
  return arith::SelectOp::create(
      b, loc, sawNothing, constantLike(b, loc, x, 0.0),
      buildExp2OfScaledMinus(b, loc, x, exp2Scale, lseLog2));
}

Value mlir::moda::tile::buildScoreGradient(OpBuilder &b, Location loc,
                                           Value probs, Value dprobs,
                                           Value delta, double scale) {
  Value centered = arith::SubFOp::create(b, loc, dprobs, delta);
  return arith::MulFOp::create(
      b, loc, arith::MulFOp::create(b, loc, probs, centered),
      constantLike(b, loc, probs, scale));
}
