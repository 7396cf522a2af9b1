//===- ApproxExp2.cpp - the hardware's exp2 -------------------------------===//

#include "ApproxExp2.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;
using namespace mlir::moda;

static Value buildScalarExp2(OpBuilder &b, Location loc, Value x) {
  return LLVM::CallIntrinsicOp::create(
             b, loc, b.getF32Type(),
             b.getStringAttr("llvm.nvvm.ex2.approx.ftz.f"), ValueRange{x})
      .getResult(0);
}

Value mlir::moda::buildApproxExp2(OpBuilder &b, Location loc, Value x) {
  auto vectorType = dyn_cast<VectorType>(x.getType());
  if (!vectorType)
    return buildScalarExp2(b, loc, x);
  SmallVector<Value> elements;
  for (int64_t i = 0, e = vectorType.getNumElements(); i < e; ++i)
    elements.push_back(buildScalarExp2(
        b, loc, vector::ExtractOp::create(b, loc, x, i)));
  return vector::FromElementsOp::create(b, loc, vectorType, elements);
}

void mlir::moda::approximateExp2(Operation *root) {
  SmallVector<math::Exp2Op> exponentials;
  root->walk([&](math::Exp2Op op) {
    auto type = op.getType();
    if (getElementTypeOrSelf(type).isF32() &&
        (!isa<VectorType>(type) || cast<VectorType>(type).getRank() == 1))
      exponentials.push_back(op);
  });
  for (math::Exp2Op op : exponentials) {
    OpBuilder b(op);
    op.replaceAllUsesWith(buildApproxExp2(b, op.getLoc(), op.getOperand()));
    op.erase();
  }
}
