//===- ModaGradToHost.cpp - moda.attention_grad to the host kernels -------===//
//
// Part of convert-moda-to-host: the backward's kernels built for one thread
// per block (the same builder as the GPU's), a block function each
// (`<name>_<kernel>_block`, block ids as its last arguments, shared tiles on
// the stack, no barriers), and a launcher `<name>_launch` that allocates the
// scratch `delta`, loops over each kernel's grid in launch order and frees
// the scratch.
//
//===----------------------------------------------------------------------===//

#include "HostExecutionModel.h"
#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace mlir::moda;

namespace {

/// The block function of kernel `kind` of the backward `name`.
std::string getBlockName(StringRef name, GradKernelKind kind) {
  return getGradKernelName(name, kind) + "_block";
}

func::FuncOp buildBlockFunction(OpBuilder &builder, Location loc,
                                StringRef name,
                                const AttentionKernelSpec &spec,
                                GradKernelKind kind, KernelAbiAttr abi) {
  MLIRContext *ctx = builder.getContext();
  SmallVector<Type> types = getGradKernelArgumentTypes(spec);
  types.append(3, IndexType::get(ctx)); // block ids x, y, z
  auto block = func::FuncOp::create(builder, loc, getBlockName(name, kind),
                                    FunctionType::get(ctx, types, {}));
  block.setPrivate();
  block->setAttr(kKernelAbiAttrName, abi);
  ImplicitLocOpBuilder b(loc, ctx);
  b.setInsertionPointToStart(block.addEntryBlock());
  SmallVector<Value> tiles;
  for (MemRefType type : getGradSharedTileTypes(spec, kind, Attribute()))
    tiles.push_back(memref::AllocaOp::create(b, type, b.getI64IntegerAttr(16)));
  ValueRange arguments = block.getArguments();
  HostGradExecutionModel model(arguments.take_back(3), tiles);
  buildAttentionGradBlock(b, spec, kind,
                          getGradKernelArgs(spec, arguments.drop_back(3)),
                          model);
  func::ReturnOp::create(b);
  return block;
}

} // namespace

LogicalResult mlir::moda::lowerAttentionGradsToHost(ModuleOp module) {
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  SymbolTable symbols(module);
  Location loc = module.getLoc();
  return lowerAttentionGrads(
      module, KernelLowering::BlockBuilders, getAttentionGradSpec,
      [&](StringRef name, const AttentionKernelSpec &spec,
          AttentionGradOp op) {
    MLIRContext *ctx = module.getContext();
    KernelAbiAttr abi = describeGradKernels(
        spec, op, /*onGPU=*/false,
        [&](GradKernelKind kind) { return getBlockName(name, kind); });
    SmallVector<func::FuncOp> blocks;
    for (GradKernelKind kind : getGradKernels(spec, /*onGPU=*/false)) {
      func::FuncOp block =
          buildBlockFunction(builder, loc, name, spec, kind, abi);
      symbols.insert(block);
      blocks.push_back(block);
    }
    auto type =
        FunctionType::get(ctx, getGradLauncherArgumentTypes(spec), {});
    auto launcher =
        func::FuncOp::create(builder, loc, (name + "_launch").str(), type);
    symbols.insert(launcher);
    ImplicitLocOpBuilder b(loc, ctx);
    b.setInsertionPointToStart(launcher.addEntryBlock());
    SmallVector<Value> arguments = buildGradKernelArguments(
        b, spec, launcher.getArguments(), [&](MemRefType type, Value size) {
          return memref::AllocOp::create(b, type, ValueRange{size});
        });
    AttentionGradArgs args = getGradKernelArgs(spec, arguments);
    Value zero = arith::ConstantIndexOp::create(b, 0);
    Value one = arith::ConstantIndexOp::create(b, 1);
    // The kernels in launch order; within one, blocks are independent.
    for (func::FuncOp callee : blocks) {
      SmallVector<Value, 3> grid =
          buildGridSize(b, getOwnLaunch(callee), args.getSizes());
      scf::buildLoopNest(
          b, loc, {zero, zero, zero}, {grid[2], grid[1], grid[0]},
          {one, one, one},
          [&](OpBuilder &nested, Location nestedLoc, ValueRange zyx) {
            SmallVector<Value> operands(arguments);
            operands.append({zyx[2], zyx[1], zyx[0]});
            func::CallOp::create(nested, nestedLoc, callee, operands);
          });
    }
    // `delta` is freed by the host pipeline's buffer deallocation, as the
    // graph's other buffers are.
    func::ReturnOp::create(b);
    return launcher;
  });
}
