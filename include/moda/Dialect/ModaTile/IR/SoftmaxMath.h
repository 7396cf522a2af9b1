//===- SoftmaxMath.h - the online softmax's arithmetic, written once -*- C++ -*-===//
//
// The formulas of moda_tile.softmax_update and moda_tile.finalize, for
// every lowering: each builder works on f32 scalars and on vectors of f32
// alike (the host applies them per element inside linalg.generic, the GPU
// to a thread's rows as vectors).
//
//===----------------------------------------------------------------------===//

#ifndef MODA_DIALECT_MODATILE_IR_SOFTMAXMATH_H
#define MODA_DIALECT_MODATILE_IR_SOFTMAXMATH_H

#include "mlir/IR/Builders.h"

namespace mlir::moda::tile {

/// The exponent base of a row: its max, or 0 while the row has seen only
/// -inf, so that exp2((x - base) * c) is 0 for x = -inf and never NaN.
Value buildSafeMax(OpBuilder &b, Location loc, Value max);

/// exp2((x - base) * exp2Scale), `base` a safe max of x's shape, computed
/// as exp2(fma(x, exp2Scale, -base * exp2Scale)): one fused multiply-add
/// per element where the row's base is a splat.
Value buildScaledExp2(OpBuilder &b, Location loc, Value x, Value base,
                      double exp2Scale);

/// The factor that rescales a row's running state from its old max to its
/// new (safe) max: exp2(oldMax * exp2Scale - newMax * exp2Scale), both
/// products rounded, so that an unchanged max gives exactly 1 (an fma here
/// would leave its rounding error in every step's factor, compounding over
/// the steps).
Value buildRescaleFactor(OpBuilder &b, Location loc, Value oldMax,
                         Value newMax, double exp2Scale);

/// The running sum after a step: sum * rescale + the step's sum of
/// probabilities.
Value buildUpdatedSum(OpBuilder &b, Location loc, Value sum, Value rescale,
                      Value stepSum);

/// One step of split-KV's merge (moda_tile.merge_partial) for a row whose
/// merged log-sum-exps so far have maximum `max` (natural log; -inf before
/// the first), given a partial result's log-sum-exp `partialLse`: the new
/// maximum, the factor exp(max - newMax) for the running sum and
/// accumulator, and the partial result's weight exp(partialLse - newMax);
/// 0 for a partial or a state at -inf, never NaN.
struct MergeWeights {
  Value newMax, rescale, weight;
};
MergeWeights buildMergeWeights(OpBuilder &b, Location loc, Value max,
                               Value partialLse);

/// The output row: acc * (1 / sum), or 0 where the row saw nothing
/// (sum = 0), truncated to `elementType`.
Value buildNormalizedOutput(OpBuilder &b, Location loc, Value acc, Value sum,
                            Type elementType);

/// The natural-log log-sum-exp of the scaled logits,
/// max * exp2Scale * ln(2) + ln(sum), or -inf where the row saw nothing.
Value buildLogSumExp(OpBuilder &b, Location loc, Value max, Value sum,
                     double exp2Scale);

/// The probability the forward gave score `x`, from its row's natural-log
/// log-sum-exp `lse` (of the scaled logits; `x`'s shape):
/// exp2(x * exp2Scale - lse * log2(e)), or 0 where lse = -inf (the row saw
/// nothing).
Value buildProbsFromLse(OpBuilder &b, Location loc, Value x, Value lse,
                        double exp2Scale);

/// The gradient of a score through the softmax, probs * (dprobs - delta) *
/// scale, from the gradient of its probability and the row's
/// delta = rowsum(d_out * out) (all of one shape).
Value buildScoreGradient(OpBuilder &b, Location loc, Value probs,
                         Value dprobs, Value delta, double scale);

} // namespace mlir::moda::tile

#endif // MODA_DIALECT_MODATILE_IR_SOFTMAXMATH_H
