//===- ConvertModaTileToHost.cpp - tile programs run on the host ----------===//
//
// The CPU path: a tile program becomes a host
// function that runs one block (its program ids become its last three
// arguments), its tile ops become tensor code (TileOpsToLinalg.cpp), and
// each moda_tile.launch a loop over the grid calling it. Every layout and
// copy kind a later stage attaches means the same thing on the host, so the
// CPU checks the very tile program the GPU lowering receives.
//
//===----------------------------------------------------------------------===//

#include "TileOpsToLinalg.h"

#include "moda/Conversion/Passes.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::moda {
#define GEN_PASS_DEF_CONVERTMODATILETOHOST
#include "moda/Conversion/Passes.h.inc"
} // namespace mlir::moda

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

constexpr unsigned kNumProgramAxes = 3;

/// Gives `program` its block ids and the grid's extent as six trailing index
/// arguments (ids x, y, z, then counts x, y, z) and replaces its
/// moda_tile.program_id and moda_tile.num_programs ops by them.
LogicalResult takeProgramIdsAsArguments(func::FuncOp program) {
  MLIRContext *ctx = program.getContext();
  unsigned firstId = program.getNumArguments();
  unsigned firstCount = firstId + kNumProgramAxes;
  Type indexType = IndexType::get(ctx);
  for (unsigned i = 0; i < 2 * kNumProgramAxes; ++i)
    if (failed(program.insertArgument(firstId + i, indexType, {},
                                      program.getLoc())))
      return failure();
  program.walk([&](Operation *op) {
    if (auto id = dyn_cast<ProgramIdOp>(op)) {
      id.replaceAllUsesWith(
          program.getArgument(firstId + unsigned(id.getAxis())));
      id.erase();
    } else if (auto count = dyn_cast<NumProgramsOp>(op)) {
      count.replaceAllUsesWith(
          program.getArgument(firstCount + unsigned(count.getAxis())));
      count.erase();
    }
  });
  // From here on it is an ordinary host function.
  program->removeAttr(kProgramAttrName);
  return success();
}

/// On the host every copy and product is synchronous: a future is its tile
/// (wherever it flows, loop-carried values included), an asynchronous copy
/// the load it stands for, a commit or a wait nothing, a product's result
/// ready when it returns (a dot_wait returns its tiles). The program keeps
/// its pipelined and issue order: the host computes with the tiles the
/// GPU's copies bring in.
void makeCopiesSynchronous(func::FuncOp program) {
  auto toTile = [](Value value) {
    if (auto future = dyn_cast<FutureType>(value.getType()))
      value.setType(future.getTile());
  };
  program.walk([&](Operation *op) {
    for (Region &region : op->getRegions())
      for (Block &block : region)
        for (BlockArgument argument : block.getArguments())
          toTile(argument);
    for (Value result : op->getResults())
      toTile(result);
  });
  program.walk([&](Operation *op) {
    if (auto copy = dyn_cast<AsyncLoadOp>(op)) {
      OpBuilder b(copy);
      // The untyped result: its type is already the tile, not a future, so
      // the typed accessor's cast<FutureType> would be wrong (an assertion
      // with assertions on; silent otherwise).
      Value copied = copy->getResult(0);
      auto load = LoadOp::create(
          b, copy.getLoc(), cast<RankedTensorType>(copied.getType()),
          copy.getBuffer(), copy.getBatch(), copy.getHead(), copy.getFirst(),
          copy.getEnd(), copy.getExtent(), copy.getStrides(),
          copy.getEntries(), copy.getRows(), copy.getCopy());
      copied.replaceAllUsesWith(load.getResult());
      copy.erase();
    } else if (auto wait = dyn_cast<WaitOp>(op)) {
      wait.replaceAllUsesWith(wait.getFutures());
      wait.erase();
    } else if (auto productWait = dyn_cast<DotWaitOp>(op)) {
      productWait.replaceAllUsesWith(productWait.getTiles());
      productWait.erase();
    } else if (isa<CommitOp>(op)) {
      op->erase();
    }
  });
}

/// A loop nest over the grid (z, y, x), calling the program per block with
/// its ids and the grid.
void lowerLaunch(LaunchOp launch, func::FuncOp program) {
  OpBuilder b(launch);
  Location loc = launch.getLoc();
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  // Blocks are independent: any order computes the same result.
  scf::buildLoopNest(
      b, loc, {zero, zero, zero},
      {launch.getGridZ(), launch.getGridY(), launch.getGridX()},
      {one, one, one},
      [&](OpBuilder &nested, Location nestedLoc, ValueRange zyx) {
        SmallVector<Value> operands(launch.getArguments());
        operands.append({zyx[2], zyx[1], zyx[0], launch.getGridX(),
                         launch.getGridY(), launch.getGridZ()});
        func::CallOp::create(nested, nestedLoc, program, operands);
      });
  launch.erase();
}

struct ConvertModaTileToHostPass
    : mlir::moda::impl::ConvertModaTileToHostBase<ConvertModaTileToHostPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    SmallVector<LaunchOp> launches;
    module.walk([&](LaunchOp launch) { launches.push_back(launch); });
    for (LaunchOp launch : launches)
      lowerLaunch(launch, symbols.lookup<func::FuncOp>(launch.getProgram()));

    SmallVector<func::FuncOp> programs;
    for (auto function : module.getOps<func::FuncOp>())
      if (function->hasAttr(kProgramAttrName))
        programs.push_back(function);
    for (func::FuncOp program : programs) {
      makeCopiesSynchronous(program);
      if (failed(takeProgramIdsAsArguments(program)))
        return signalPassFailure();
    }

    // Every tile op must go: one this pass cannot lower is an error, never
    // left behind.
    ConversionTarget target(getContext());
    target.addIllegalDialect<ModaTileDialect>();
    target.markUnknownOpDynamicallyLegal([](Operation *) { return true; });
    RewritePatternSet patterns(&getContext());
    populateTileOpsToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
