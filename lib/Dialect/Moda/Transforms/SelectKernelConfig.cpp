//===- SelectKernelConfig.cpp - attach heuristic kernel configurations ----===//

#include "moda/Dialect/Moda/Transforms/Passes.h"
#include "moda/Dialect/Moda/Utils/KernelConfigRules.h"

#include "llvm/Support/MathExtras.h"

namespace mlir::moda {
#define GEN_PASS_DEF_MODASELECTKERNELCONFIG
#include "moda/Dialect/Moda/Transforms/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;

namespace {

/// Shape-based heuristics. Query blocks hold 128 folded rows for small heads
/// (64 for D > 64, where registers run out first), rounded up to a multiple
/// of G so that the G heads of a position never straddle two blocks. The
/// depth tile covers the block's whole depth span when it is small. Tiles
/// then shrink (depth first) until their shared memory fits the target.
template <typename OpTy>
KernelConfigAttr chooseHeuristicConfig(OpTy op, StringRef target) {
  int64_t group = op.getGroupSize();
  int64_t headDim = op.getHeadDim();
  bool wide = headDim > 64;
  int64_t blockM = llvm::alignTo(wide ? 64 : 128, group);
  int64_t blockN = wide ? 32 : 64;

  int64_t depth = op.getDepthSize();
  int64_t span = ShapedType::isDynamic(depth) ? 64 : (blockM / group) * depth;
  int64_t blockDepth = std::clamp<int64_t>(llvm::PowerOf2Ceil(span), 16, 64);

  // The lowering has one path so far: SIMT FMA, one pipeline stage.
  MmaKind mma = MmaKind::Fma;
  int64_t numWarps = wide ? 4 : 8;
  int64_t numStages = 1;
  auto build = [&] {
    return KernelConfigAttr::get(op.getContext(), blockM, blockN, blockDepth,
                                 numWarps, numStages, mma, target);
  };
  Type elementType = op.getQ().getType().getElementType();
  constexpr int64_t kSmallestTile = 16;
  while (getForwardSharedMemoryBytes(build(), headDim, elementType) >
             kMaxStaticSharedMemoryBytes &&
         (blockDepth > kSmallestTile || blockN > kSmallestTile)) {
    if (blockDepth >= blockN && blockDepth > kSmallestTile)
      blockDepth /= 2;
    else
      blockN /= 2;
  }
  return build();
}

struct SelectKernelConfigPass
    : mlir::moda::impl::ModaSelectKernelConfigBase<SelectKernelConfigPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](Operation *op) {
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        if (!attention.getConfigAttr())
          attention.setConfigAttr(chooseHeuristicConfig(attention, target));
      } else if (auto grad = dyn_cast<AttentionGradOp>(op)) {
        if (!grad.getConfigAttr())
          grad.setConfigAttr(chooseHeuristicConfig(grad, target));
      }
    });
  }
};

} // namespace
