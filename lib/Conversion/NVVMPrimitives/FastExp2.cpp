//===- FastExp2.cpp - the softmax's exp2 as one MUFU.EX2 ------------------===//

#include "FastExp2.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

static Value buildScalarExp2(OpBuilder &b, Location loc, Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, b.getF32Type(),
             b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"), ValueRange{x})
      .getResult(0);
}

Value mlir::moda::buildFlushToZeroExp2(OpBuilder &b, Location loc, Value x) {
  auto vector = dyn_cast<VectorType>(x.getType());
  if (!vector)
    return buildScalarExp2(b, loc, x);
  // A thread's row: one intrinsic per element (the intrinsic is scalar).
  SmallVector<Value> elements;
  for (int64_t i = 0, e = vector.getNumElements(); i < e; ++i)
    elements.push_back(buildScalarExp2(
        b, loc, vector::ExtractOp::create(b, loc, x, i)));
  return vector::FromElementsOp::create(b, loc, vector, elements);
}

void mlir::moda::useFlushToZeroExp2(Operation *root) {
  SmallVector<math::Exp2Op> exps;
  root->walk([&](math::Exp2Op exp) {
    auto vector = dyn_cast<VectorType>(exp.getType());
    Type element = vector ? vector.getElementType() : exp.getType();
    // Rows of a thread are rank-1 vectors; anything else keeps math.exp2.
    if (element.isF32() && (!vector || vector.getRank() == 1))
      exps.push_back(exp);
  });
  for (math::Exp2Op exp : exps) {
    OpBuilder b(exp);
    exp.replaceAllUsesWith(
        buildFlushToZeroExp2(b, exp.getLoc(), exp.getOperand()));
    exp.erase();
  }
}
