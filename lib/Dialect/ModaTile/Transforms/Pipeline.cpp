//===- Pipeline.cpp - software pipelining of a tile program's copies ------===//
//
// The stage that overlaps copies with compute: in a loop whose shared tiles
// are copied with cp_async over `stages` buffers, the copies of iteration
// j + stages - 1 start in iteration j (once its own tiles are in), so that
// they run while iteration j computes and the iterations before j + stages
// - 1 need theirs. The result is
// explicit in the IR: the copies (moda_tile.async_load into a slot of a
// multi-buffer), the groups (moda_tile.commit), the waits (moda_tile.wait
// with the number of groups left in flight), the futures the loop carries,
// the prologue that starts the first stages - 1 iterations' copies and the
// drain after the loop. An operand that reads memory (a paged cache's page
// lookup) is computed one iteration before its copy starts and carried,
// so that its load's latency does not hold the copy's issue. The host runs
// the same program with synchronous copies, so the CPU path checks the
// pipelined order too.
//
//===----------------------------------------------------------------------===//

#include "LoopAnalysis.h"

#include "moda/Dialect/ModaTile/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::moda::tile {
#define GEN_PASS_DEF_MODATILEPIPELINE
#include "moda/Dialect/ModaTile/Transforms/Passes.h.inc"
} // namespace mlir::moda::tile

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

/// A loop's loads to pipeline and what computes their operands from the
/// induction variable.
struct PipelinedLoads {
  SmallVector<LoadOp> loads;
  /// The loop-body ops the loads' operands need, in program order: pure
  /// or reading memory the loop does not write, and depending on nothing
  /// of the body but the induction variable.
  SmallVector<Operation *> operandOps;
  /// Those of operandOps that read memory: their results are computed an
  /// iteration ahead and carried.
  SmallVector<Operation *> readers;
  int64_t stages = 0;

  /// The readers' results, in order.
  SmallVector<Value> readerResults() const {
    SmallVector<Value> results;
    for (Operation *reader : readers)
      llvm::append_range(results, reader->getResults());
    return results;
  }
};

std::optional<PipelinedLoads> findPipelinedLoads(scf::ForOp loop) {
  // Innermost loops only: a multi-buffer serves one loop at a time.
  if (loop.getBody()->walk([](scf::ForOp) { return WalkResult::interrupt(); })
          .wasInterrupted())
    return std::nullopt;
  PipelinedLoads result;
  llvm::SetVector<Operation *> ops;
  for (auto load : loop.getBody()->getOps<LoadOp>()) {
    CopyAttr copy = load.getCopyAttr();
    if (!copy || copy.getKind() != CopyKind::CpAsync || copy.getStages() < 2)
      continue;
    if (result.stages == 0)
      result.stages = copy.getStages();
    if (copy.getStages() != result.stages)
      continue;
    llvm::SetVector<Operation *> loadOps = ops;
    if (!llvm::all_of(load->getOperands(), [&](Value operand) {
          return collectInductionOps(operand, loop, loadOps);
        }))
      continue;
    ops = std::move(loadOps);
    result.loads.push_back(load);
  }
  if (result.loads.empty())
    return std::nullopt;
  result.operandOps = ops.takeVector();
  llvm::sort(result.operandOps, [](Operation *a, Operation *b) {
    return a->isBeforeInBlock(b);
  });
  for (Operation *op : result.operandOps)
    if (!isPure(op))
      result.readers.push_back(op);
  return result;
}

/// The readers' results for the iteration whose induction variable is `iv`
/// (the operand ops they need cloned for it). `inductionVars` as for
/// startCopies.
SmallVector<Value> computeReaders(OpBuilder &b, const PipelinedLoads &pipelined,
                                  ArrayRef<Value> inductionVars, Value iv) {
  IRMapping mapping;
  for (Value inductionVar : inductionVars)
    mapping.map(inductionVar, iv);
  for (Operation *op : pipelined.operandOps) {
    b.clone(*op, mapping);
    if (op == pipelined.readers.back())
      break;
  }
  return llvm::map_to_vector(pipelined.readerResults(), [&](Value result) {
    return mapping.lookup(result);
  });
}

/// Starts the copies of the pipelined loads for the iteration whose
/// induction variable is `iv`, into `slot`, and commits them as a group.
/// `inductionVars`: the values standing for the induction variable in the
/// loads' operands (the loop's, and its replacement's while the body moves).
/// `readerValues`: the readers' results for that iteration, computed
/// earlier (computeReaders).
SmallVector<Value> startCopies(OpBuilder &b, Location loc,
                               const PipelinedLoads &pipelined,
                               ArrayRef<Value> inductionVars, Value iv,
                               Value slot, ValueRange readerValues) {
  IRMapping mapping;
  for (Value inductionVar : inductionVars)
    mapping.map(inductionVar, iv);
  mapping.map(pipelined.readerResults(), readerValues);
  for (Operation *op : pipelined.operandOps)
    if (!llvm::is_contained(pipelined.readers, op))
      b.clone(*op, mapping);
  SmallVector<Value> futures;
  for (auto [buffer, constLoad] : llvm::enumerate(pipelined.loads)) {
    LoadOp load = constLoad;
    auto operand = [&](Value v) { return mapping.lookupOrDefault(v); };
    futures.push_back(AsyncLoadOp::create(
        b, loc, FutureType::get(b.getContext(), load.getResult().getType()),
        operand(load.getBuffer()), operand(load.getBatch()),
        operand(load.getHead()), operand(load.getFirst()),
        operand(load.getEnd()), operand(load.getExtent()),
        llvm::map_to_vector(load.getStrides(), operand),
        load.getEntries() ? operand(load.getEntries()) : Value(), slot,
        load.getRows(), load.getCopyAttr(), int64_t(buffer)));
  }
  CommitOp::create(b, loc);
  return futures;
}

void pipelineLoop(scf::ForOp loop, const PipelinedLoads &pipelined) {
  Location loc = loop.getLoc();
  int64_t stages = pipelined.stages;
  size_t numLoads = pipelined.loads.size();
  OpBuilder b(loop);
  auto index = [&](OpBuilder &builder, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(builder, loc, v);
  };
  auto iteration = [&](OpBuilder &builder, Value base, int64_t s) -> Value {
    return arith::AddIOp::create(
        builder, loc, base,
        arith::MulIOp::create(builder, loc, loop.getStep(), index(builder, s)));
  };
  auto readersFor = [&](OpBuilder &builder, ArrayRef<Value> inductionVars,
                        Value iv) -> SmallVector<Value> {
    if (pipelined.readers.empty())
      return {};
    return computeReaders(builder, pipelined, inductionVars, iv);
  };
  // Prologue: iterations lb, lb + step, ..., in slots 0, 1, ...; then the
  // readers of the first iteration the loop's copies start.
  SmallVector<Value> inFlight;
  for (int64_t s = 0; s + 1 < stages; ++s) {
    Value iv = iteration(b, loop.getLowerBound(), s);
    llvm::append_range(
        inFlight, startCopies(b, loc, pipelined, {loop.getInductionVar()}, iv,
                              index(b, s),
                              readersFor(b, {loop.getInductionVar()}, iv)));
  }
  size_t numFutures = inFlight.size();
  llvm::append_range(inFlight,
                     readersFor(b, {loop.getInductionVar()},
                                iteration(b, loop.getLowerBound(), stages - 1)));

  IRRewriter rewriter(loop.getContext());
  auto newLoop = cast<scf::ForOp>(*loop.replaceWithAdditionalYields(
      rewriter, inFlight, /*replaceInitOperandUsesInLoop=*/false,
      [&](OpBuilder &yieldBuilder, Location,
          ArrayRef<BlockArgument> carried) -> SmallVector<Value> {
        scf::ForOp body = cast<scf::ForOp>(
            carried.front().getOwner()->getParentOp());
        OpBuilder top = OpBuilder::atBlockBegin(body.getBody());
        // Iteration j first waits for its own copies, leaving the younger
        // groups (iterations j + 1 .. j + stages - 2) in flight ...
        auto wait = WaitOp::create(
            top, loc,
            ValueRange(ArrayRef<BlockArgument>(carried).take_front(numLoads)),
            stages - 2);
        for (auto [load, tile] :
             llvm::zip_equal(pipelined.loads, wait.getTiles()))
          LoadOp(load).getResult().replaceAllUsesWith(tile);
        // ... then starts iteration j + stages - 1's into the slot
        // iteration j - 1 read: past the wait, every thread is done with
        // iteration j - 1, so the copies overlap iteration j's compute.
        Value iv = body.getInductionVar();
        Value ahead = iteration(top, iv, stages - 1);
        Value count = arith::DivUIOp::create(
            top, loc, arith::SubIOp::create(top, loc, iv, body.getLowerBound()),
            body.getStep());
        Value slot = arith::RemUIOp::create(
            top, loc, arith::AddIOp::create(top, loc, count, index(top, stages - 1)),
            index(top, stages));
        ArrayRef<BlockArgument> futures = carried.take_front(numFutures);
        SmallVector<Value> started = startCopies(
            top, loc, pipelined, {loop.getInductionVar(), iv}, ahead, slot,
            ValueRange(carried.drop_front(numFutures)));
        SmallVector<Value> next(futures.drop_front(numLoads));
        llvm::append_range(next, started);
        // The readers of the iteration whose copies the next one starts.
        llvm::append_range(next,
                           readersFor(top, {loop.getInductionVar(), iv},
                                      iteration(top, iv, stages)));
        return next;
      }));
  for (LoadOp load : pipelined.loads)
    load.erase();
  // The copies still in flight (past the last iteration) land before the
  // multi-buffers serve another loop.
  OpBuilder after(newLoop->getContext());
  after.setInsertionPointAfter(newLoop);
  WaitOp::create(after, loc, ValueRange{}, 0);
}

struct ModaTilePipelinePass
    : mlir::moda::tile::impl::ModaTilePipelineBase<ModaTilePipelinePass> {
  void runOnOperation() override {
    for (auto program : getOperation().getOps<func::FuncOp>()) {
      if (!program->hasAttr(kProgramAttrName))
        continue;
      SmallVector<scf::ForOp> loops;
      program.walk([&](scf::ForOp loop) { loops.push_back(loop); });
      for (scf::ForOp loop : loops)
        if (std::optional<PipelinedLoads> pipelined = findPipelinedLoads(loop))
          pipelineLoop(loop, *pipelined);
    }
  }
};

} // namespace
