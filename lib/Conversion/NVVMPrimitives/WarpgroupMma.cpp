//===- WarpgroupMma.cpp - warpgroup MMA (wgmma) instructions --------------===//

#include "WarpgroupMma.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <string>

using namespace mlir;
using namespace mlir::moda;

Value mlir::moda::buildSwizzledMatrixDescriptor(ImplicitLocOpBuilder &b,
                                                Value sharedAddress,
                                                int64_t leadingByteOffset,
                                                int64_t strideByteOffset) {
  // Bits 0-13: address bits 4-17; 16-29: leading byte offset / 16; 32-45:
  // stride byte offset / 16; 62-63: the swizzle mode (1: 128 bytes). The
  // base offset (bits 49-51) is 0: atoms are 1024-byte aligned.
  Type i64 = b.getI64Type();
  auto constant = [&](uint64_t v) {
    return arith::ConstantIntOp::create(b, i64, static_cast<int64_t>(v));
  };
  uint64_t fixed = (uint64_t(leadingByteOffset >> 4) & 0x3FFF) << 16 |
                   (uint64_t(strideByteOffset >> 4) & 0x3FFF) << 32 |
                   uint64_t(1) << 62;
  Value address = arith::ShRUIOp::create(
      b, arith::AndIOp::create(b, sharedAddress, constant(0x3FFFF)),
      constant(4));
  return arith::OrIOp::create(b, address, constant(fixed));
}

SmallVector<Value> mlir::moda::buildOperandWords(ImplicitLocOpBuilder &b,
                                                 ArrayRef<Value> pairs) {
  SmallVector<Value> words;
  for (Value pair : pairs) {
    Value word = vector::BitCastOp::create(
        b, VectorType::get({1}, b.getI32Type()), pair);
    words.push_back(vector::ExtractOp::create(b, word, int64_t(0)));
  }
  return words;
}

SmallVector<Value> mlir::moda::buildWarpgroupMma(
    ImplicitLocOpBuilder &b, Type elementType, ArrayRef<Value> a,
    Value bDescriptor, ArrayRef<Value> accumulators, bool transposeB,
    bool accumulate, bool transposeA) {
  bool sharedA = a.size() == 1;
  assert((sharedA || a.size() == 4) &&
         "A is four b32 registers or one descriptor");
  assert((sharedA || !transposeA) && "only A from shared memory is transposed");
  int64_t numAccumulators = accumulators.size();
  int64_t n = 2 * numAccumulators;
  StringRef type = elementType.isBF16() ? "bf16" : "f16";
  // Operands: $0 .. $(n/2 - 1) the accumulators (written), then A (four
  // registers, or a K-major descriptor), B's descriptor, the scale-d flag,
  // then the accumulators' old values tied to $0 .. (read).
  std::string list;
  for (int64_t i = 0; i < numAccumulators; ++i)
    list += (i ? ", $" : "$") + std::to_string(i);
  int64_t aFirst = numAccumulators;
  int64_t bIndex = aFirst + a.size();
  auto operand = [](int64_t i) { return "$" + std::to_string(i); };
  std::string aList = operand(aFirst);
  if (!sharedA)
    aList = "{" + operand(aFirst) + ", " + operand(aFirst + 1) + ", " +
            operand(aFirst + 2) + ", " + operand(aFirst + 3) + "}";
  std::string ptx = "{\n.reg .pred p;\nsetp.ne.b32 p, " +
                    operand(bIndex + 1) +
                    ", 0;\nwgmma.mma_async.sync.aligned.m64n" +
                    std::to_string(n) + "k16.f32." + type.str() + "." +
                    type.str() + " {" + list + "}, " + aList + ", " +
                    operand(bIndex) + ", p, 1, 1, " +
                    (sharedA ? (transposeA ? "1, " : "0, ") : "") + (transposeB ? "1" : "0") +
                    ";\n}";
  std::string constraints;
  for (int64_t i = 0; i < numAccumulators; ++i)
    constraints += "=f,";
  constraints += sharedA ? "l,l,r" : "r,r,r,r,l,r";
  for (int64_t i = 0; i < numAccumulators; ++i)
    constraints += "," + std::to_string(i);

  SmallVector<Value> operands(a.begin(), a.end());
  operands.push_back(bDescriptor);
  operands.push_back(
      arith::ConstantIntOp::create(b, b.getI32Type(), accumulate ? 1 : 0));
  operands.append(accumulators.begin(), accumulators.end());
  Type f32 = b.getF32Type();
  auto resultType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(numAccumulators, f32));
  auto asmOp = LLVM::InlineAsmOp::create(
      b, resultType, operands, ptx, constraints, /*has_side_effects=*/true,
      /*is_align_stack=*/false, LLVM::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  SmallVector<Value> results;
  for (int64_t i = 0; i < numAccumulators; ++i)
    results.push_back(LLVM::ExtractValueOp::create(b, asmOp.getRes(), i));
  return results;
}

SmallVector<Value> mlir::moda::buildWarpgroupWait(ImplicitLocOpBuilder &b,
                                                  int64_t pending,
                                                  ArrayRef<Value> accumulators,
                                                  ArrayRef<Value> heldOperands) {
  if (accumulators.empty() && heldOperands.empty()) {
    NVVM::WgmmaWaitGroupSyncOp::create(b, pending);
    return {};
  }
  SmallVector<Value> operands(accumulators);
  llvm::append_range(operands, heldOperands);
  int64_t count = operands.size();
  std::string constraints;
  SmallVector<Type> types;
  for (Value operand : operands) {
    constraints += operand.getType().isF32() ? "=f," : "=r,";
    types.push_back(operand.getType());
  }
  for (int64_t i = 0; i < count; ++i)
    constraints += (i ? "," : "") + std::to_string(i);
  auto resultType = LLVM::LLVMStructType::getLiteral(b.getContext(), types);
  auto asmOp = LLVM::InlineAsmOp::create(
      b, resultType, operands,
      "wgmma.wait_group.sync.aligned " + std::to_string(pending) + ";",
      constraints, /*has_side_effects=*/true, /*is_align_stack=*/false,
      LLVM::TailCallKind::None,
      LLVM::AsmDialectAttr::get(b.getContext(), LLVM::AsmDialect::AD_ATT),
      /*operand_attrs=*/ArrayAttr());
  SmallVector<Value> results;
  for (int64_t i = 0, e = accumulators.size(); i < e; ++i)
    results.push_back(LLVM::ExtractValueOp::create(b, asmOp.getRes(), i));
  return results;
}
