//===- CpAsyncCopy.cpp - the cp_async copy kind ---------------------------===//
//
// Chunks copied by cp.async (sm_80+): global to shared without passing
// through registers. A missing row is zero-filled: the copy reads 0 of its
// bytes, from an address that stays in bounds (the buffer's start). Only
// 16-byte copies may bypass L1 (cp.async.cg); smaller ones go through it.
//
//===----------------------------------------------------------------------===//

#include "TileCopy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

using namespace mlir;
using namespace mlir::moda;

void mlir::moda::emitAsyncChunkCopy(OpBuilder &b, Location loc,
                                    const TileChunk &chunk) {
  int64_t width = chunk.type.getNumElements();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value source =
      arith::SelectOp::create(b, loc, chunk.inside, chunk.sourceOffset, zero);
  Value sourceElements = arith::SelectOp::create(
      b, loc, chunk.inside, arith::ConstantIndexOp::create(b, loc, width),
      zero);
  int64_t bytes = width * chunk.type.getElementTypeBitWidth() / 8;
  nvgpu::DeviceAsyncCopyOp::create(
      b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), chunk.target,
      ValueRange{chunk.targetOffset}, chunk.source, ValueRange{source},
      b.getIndexAttr(width), sourceElements,
      /*bypassL1=*/bytes == 16 ? b.getUnitAttr() : UnitAttr());
}

void mlir::moda::emitAsyncCopyCommit(OpBuilder &b, Location loc) {
  NVVM::CpAsyncCommitGroupOp::create(b, loc);
}

void mlir::moda::emitAsyncCopyWait(OpBuilder &b, Location loc,
                                   int64_t pending) {
  // Only this thread's copies: the caller's barrier makes every thread's
  // chunks visible.
  NVVM::CpAsyncWaitGroupOp::create(b, loc, pending);
}
