//===- WarpMma.cpp - warp-level tensor-core primitives --------------------===//

#include "WarpMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

/// mma.sync m16n8k16 takes bf16 pairs as b32 registers and f16 pairs as
/// vector<2xf16>.
static Value asMmaOperand(OpBuilder &b, Location loc, Value pair) {
  auto type = cast<VectorType>(pair.getType());
  if (!type.getElementType().isBF16())
    return pair;
  Value word = vector::BitCastOp::create(
      b, loc, VectorType::get({1}, b.getI32Type()), pair);
  return vector::ExtractOp::create(b, loc, word, int64_t(0));
}

SmallVector<Value, 4> mlir::moda::buildWarpMma(OpBuilder &b, Location loc,
                                               Type elementType,
                                               ArrayRef<Value> a,
                                               ArrayRef<Value> bOperand,
                                               ArrayRef<Value> c) {
  Type f32 = b.getF32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(4, f32));
  SmallVector<Value> aOps, bOps;
  for (Value v : a)
    aOps.push_back(asMmaOperand(b, loc, v));
  for (Value v : bOperand)
    bOps.push_back(asMmaOperand(b, loc, v));
  std::optional<std::array<NVVM::MMATypes, 2>> types;
  if (elementType.isBF16())
    types = {NVVM::MMATypes::bf16, NVVM::MMATypes::bf16};
  Value d = NVVM::MmaOp::create(
      b, loc, resultType, aOps, bOps, c,
      ArrayRef<int64_t>{kMmaM, kMmaN, kMmaK},
      /*b1Op=*/std::nullopt, /*intOverflow=*/std::nullopt, types,
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value, 4> result;
  for (int64_t i = 0; i < 4; ++i)
    result.push_back(LLVM::ExtractValueOp::create(b, loc, d, i));
  return result;
}

SmallVector<Value, 4> mlir::moda::buildLoadMatrixX4(OpBuilder &b, Location loc,
                                                    Type elementType,
                                                    Value tile,
                                                    ValueRange indices,
                                                    bool transpose) {
  auto type = VectorType::get({4, 2}, elementType);

  Value fragments = nvgpu::LdMatrixOp::create(b, loc, type, tile, indices,
                                              transpose, /*numTiles=*/4);
  SmallVector<Value, 4> registers;
  for (int64_t i = 0; i < 4; ++i)
    registers.push_back(vector::ExtractOp::create(b, loc, fragments, i));
  return registers;
}

Value mlir::moda::buildPackedPair(OpBuilder &b, Location loc, Type elementType,
                                  Value lo, Value hi) {
  Value pair = vector::FromElementsOp::create(
      b, loc, VectorType::get({2}, b.getF32Type()), ValueRange{lo, hi});
  return arith::TruncFOp::create(b, loc, VectorType::get({2}, elementType),
                                 pair);
}

Value mlir::moda::buildQuadReduce(OpBuilder &b, Location loc, Value v,
                                  bool isMax) {
  // The four lanes of a row are lane ^ 1 and lane ^ 2 apart.
  for (int32_t offset : {1, 2}) {
    Value other = gpu::ShuffleOp::create(b, loc, v, offset, 32,
                                         gpu::ShuffleMode::XOR)
                      .getShuffleResult();
    v = isMax ? Value(arith::MaximumFOp::create(b, loc, v, other))
              : Value(arith::AddFOp::create(b, loc, v, other));
  }
  return v;
}
