//===- ConvertModaToHost.cpp - moda.attention to the host kernel ----------===//
//
// The CPU path runs the very kernel the GPU runs: the same block builder,
// with one thread per block. Shared tiles become stack buffers and barriers
// vanish: with a single thread, program order already orders the tile loads
// before their uses.
//
//===----------------------------------------------------------------------===//

#include "HostExecutionModel.h"
#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"
#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

namespace mlir::moda {
#define GEN_PASS_DEF_CONVERTMODATOHOST
#include "moda/Conversion/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;

namespace {

/// One thread per block; its block ids are the block function's last three
/// arguments.
struct ConvertModaToHostPass
    : mlir::moda::impl::ConvertModaToHostBase<ConvertModaToHostPass> {
  void runOnOperation() override;

private:
  func::FuncOp buildBlockFunction(OpBuilder &builder, StringRef name,
                                  const AttentionKernelSpec &spec,
                                  AttentionOp op);
  func::FuncOp buildLauncher(OpBuilder &builder, StringRef name,
                             const AttentionKernelSpec &spec,
                             func::FuncOp block);
};

func::FuncOp ConvertModaToHostPass::buildBlockFunction(
    OpBuilder &builder, StringRef name, const AttentionKernelSpec &spec,
    AttentionOp op) {
  MLIRContext *ctx = &getContext();
  SmallVector<Type> types = getKernelArgumentTypes(spec);
  types.append(3, IndexType::get(ctx)); // block ids x, y, z
  Location loc = getOperation().getLoc();
  std::string blockName = (name + "_block").str();
  auto block = func::FuncOp::create(builder, loc, blockName,
                                    FunctionType::get(ctx, types, {}));
  block.setPrivate();
  block->setAttr(kKernelAbiAttrName, spec.describe(op, blockName));

  ImplicitLocOpBuilder b(loc, ctx);
  b.setInsertionPointToStart(block.addEntryBlock());
  SmallVector<Value> tiles;
  // Tiles are accessed with 16-byte vector loads and stores.
  for (MemRefType type : getSharedTileTypes(spec, Attribute()))
    tiles.push_back(memref::AllocaOp::create(b, type, b.getI64IntegerAttr(16)));
  ValueRange arguments = block.getArguments();
  HostExecutionModel model(arguments.take_back(3), tiles);
  buildAttentionBlock(b, spec, getKernelArgs(spec, arguments.drop_back(3)),
                      model);
  func::ReturnOp::create(b);
  return block;
}

func::FuncOp ConvertModaToHostPass::buildLauncher(
    OpBuilder &builder, StringRef name, const AttentionKernelSpec &spec,
    func::FuncOp block) {
  MLIRContext *ctx = &getContext();
  Location loc = getOperation().getLoc();
  assert(!spec.takesViews && "views are the tile programs' (the verifier)");
  auto type = FunctionType::get(ctx, getLauncherArgumentTypes(spec), {});
  auto launcher =
      func::FuncOp::create(builder, loc, (name + "_launch").str(), type);
  ImplicitLocOpBuilder b(loc, ctx);
  b.setInsertionPointToStart(launcher.addEntryBlock());
  AttentionKernelArgs args = getKernelArgs(spec, launcher.getArguments());
  SmallVector<Value, 3> grid =
      buildGridSize(b, getOwnLaunch(block), args.getSizes());
  Value zero = arith::ConstantIndexOp::create(b, 0);
  Value one = arith::ConstantIndexOp::create(b, 1);
  // Blocks are independent: any order computes the same result.
  scf::buildLoopNest(
      b, loc, {zero, zero, zero}, {grid[2], grid[1], grid[0]},
      {one, one, one},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange zyx) {
        SmallVector<Value> operands(launcher.getArguments());
        operands.append({zyx[2], zyx[1], zyx[0]});
        func::CallOp::create(nested, nestedLoc, block, operands);
      });
  func::ReturnOp::create(b);
  return launcher;
}

void ConvertModaToHostPass::runOnOperation() {
  ModuleOp module = getOperation();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  SymbolTable symbols(module);
  auto build = [&](StringRef name, const AttentionKernelSpec &spec,
                   AttentionOp op) {
    func::FuncOp block = buildBlockFunction(builder, name, spec, op);
    symbols.insert(block);
    func::FuncOp launcher = buildLauncher(builder, name, spec, block);
    symbols.insert(launcher);
    return launcher;
  };
  if (failed(checkNoTileConfiguredOps(module, getArgument())) ||
      failed(lowerAttentions(module, KernelLowering::BlockBuilders, build)))
    return signalPassFailure();
  // The backward (moda.attention_grad): ModaGradToHost.cpp.
  if (failed(lowerAttentionGradsToHost(module)))
    signalPassFailure();
}

} // namespace
