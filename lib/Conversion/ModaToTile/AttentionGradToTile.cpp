//===- AttentionGradToTile.cpp - moda.attention_grad as tile programs -----===//
//
// Part of convert-moda-to-tile: the backward as tile programs, run in this
// order by one launcher (which allocates the f32 scratch `delta`
// [B, Hq, T]):
//   1. `<name>_dq`: a block of block_m folded query rows, the forward's
//      walk over the key tiles they see (unmasked full tiles, masked
//      diagonal, masked depth span); it computes and stores
//      delta = rowsum(d_out * out), recomputes P from lse and accumulates
//      dq += dS k over sequence and depth tiles alike (a masked tile's step
//      in a moda_tile.if_seen, as the forward's);
//   2. `<name>_dkv`: a block of block_m sequence keys, walking the tiles of
//      block_n query rows that see them (moda_tile.seeing_range: masked
//      where some row sees only part of the block, unmasked where every
//      row sees all of it); scores are held transposed (keys as rows), so
//      dv += P^T d_out and dk += dS^T q are plain products;
//   3. `<name>_d_depth`: the same program over a block of block_m depth
//      entries (every tile masked; with per-position visibility, tiles of
//      the few rows that see an entry), for d_depth_k and d_depth_v.
// Every product has the forms the forward's do (the right operand a
// streamed tile, used as is or transposed), so every layout lowers them.
//
//===----------------------------------------------------------------------===//

#include "AttentionGradToTile.h"
#include "TileProgramBuilder.h"

#include "moda/Conversion/ModaToKernel/AttentionGradKernel.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

namespace {

class GradProgramBuilder : TileProgramBuilder {
public:
  GradProgramBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                     const AttentionGradArgs &args)
      : TileProgramBuilder(b, spec, args), grad(args) {
    scale = b.getF32FloatAttr(float(spec.scale));
    for (auto [name, buffer] :
         {std::pair<StringRef, Value>{"d_out", grad.dOut}, {"dq", grad.dq},
          {"dk", grad.dk}, {"dv", grad.dv}, {"d_depth_k", grad.dDepthK},
          {"d_depth_v", grad.dDepthV}, {"delta", grad.delta}})
      addTensor(name, buffer);
  }

  void buildQueryGrad();
  void buildKeyGrad(bool depth);

private:
  /// The dq program of the block of query rows `x`.
  void buildQueryBlockGrad(Value x);
  /// The dkv (or d_depth) program of the block of keys (or depth entries)
  /// `x`.
  void buildKeyBlockGrad(Value x, bool depth);
  /// Rows of the query tiles a key-side program walks. Sequence keys are
  /// seen by long runs of rows: block_n of them. A depth entry seen
  /// per position is seen by the G rows of its own position only, so tiles
  /// of block_n rows would be mostly masked (at G = 8, L = 64 a block of 64
  /// entries is one position's, seen by 8 rows): tiles of G rows rounded
  /// up to the 16 a tensor-core product contracts at a time, at most
  /// block_n.
  int64_t getKeySideQueryRows(bool depth) const {
    int64_t blockN = spec.config.getBlockN();
    if (!depth || spec.visibility != DepthVisibility::PerPosition)
      return blockN;
    return std::min<int64_t>(blockN, llvm::alignTo(spec.groupSize, 16));
  }

  RankedTensorType f32Tile(int64_t rows, int64_t columns) {
    return RankedTensorType::get({rows, columns}, b.getF32Type());
  }
  Value dot(Value lhs, Value rhs, Value acc, bool transposeRhs) {
    return DotOp::create(b, acc.getType(), lhs, rhs, acc,
                         transposeRhs ? b.getUnitAttr() : UnitAttr(),
                         /*layout=*/LayoutAttr(), /*async=*/UnitAttr());
  }
  Value product(Value lhs, Value rhs, int64_t columns) {
    return dot(lhs, rhs, splat({blockM, columns}, 0.0), /*transposeRhs=*/true);
  }
  Value convert(Value tile) {
    auto type = cast<RankedTensorType>(tile.getType());
    return ConvertOp::create(
        b, RankedTensorType::get(type.getShape(), spec.elementType), tile);
  }
  /// lse or delta of `count` folded query rows from `first`: per row of the
  /// block (tensor<count>) or as one row (tensor<1 x count>).
  Value loadRowStatistics(Value buffer, Value first, int64_t count,
                          bool asRow, Value numRows) {
    SmallVector<int64_t> shape = asRow ? SmallVector<int64_t>{1, count}
                                       : SmallVector<int64_t>{count};
    return LoadOp::create(b, RankedTensorType::get(shape, b.getF32Type()),
                          buffer, batch, head, first, numRows, numQueries,
                          getStrides(buffer), /*entries=*/Value(),
                          lseRows(), /*copy=*/CopyAttr());
  }

  const GradTensors &grad;
  FloatAttr scale;
};

void GradProgramBuilder::buildQueryGrad() {
  forEachQueryBlock([&](Value x) { buildQueryBlockGrad(x); });
}

void GradProgramBuilder::buildQueryBlockGrad(Value x) {
  QueryBlock block = getQueryBlock(x);
  RowsAttr rows = queryRows();
  auto loadQueryRows = [&](Value buffer) {
    return loadRows(buffer, rows, blockM, block.rowBase, block.numRows,
                    numQueries);
  };
  Value query = loadQueryRows(args.q);
  Value dOut = loadQueryRows(grad.dOut);
  Value out = loadQueryRows(args.out);
  Value lse = loadRowStatistics(args.lse, block.rowBase, blockM,
                                /*asRow=*/false, block.numRows);
  auto rowStateType = RankedTensorType::get({blockM}, b.getF32Type());
  Value delta = RowDotOp::create(b, rowStateType, dOut, out);
  storeRows(delta, grad.delta, lseRows(), block.rowBase, block.numRows,
            numQueries);

  Value dq = splat({blockM, spec.headDim}, 0.0);
  dq = forEachVisibleKeyTile(
      dq, block,
      [&](ValueRange carried, const KeySource &source, int64_t tileRows,
          Value first, bool masked) -> SmallVector<Value> {
        Value keyTile = loadRows(source.keys, source.rows, tileRows, first,
                              source.end, source.extent);
        Value values = loadRows(source.values, source.rows, tileRows, first,
                                source.end, source.extent);
        // dq += dS k; a row that sees none of a masked tile has P = 0 there,
        // so dS = 0 and its dq passes through (moda_tile.if_seen).
        auto accumulate = [&](ScoreMask mask) -> SmallVector<Value> {
          Value scores = product(query, keyTile, tileRows);
          if (mask)
            scores = mask(scores);
          Value probs = SoftmaxProbsOp::create(b, scores.getType(), scores,
                                               lse, exp2Scale);
          Value dProbs = product(dOut, values, tileRows);
          Value dScores = SoftmaxGradOp::create(b, probs.getType(), probs,
                                                dProbs, delta, scale);
          return {dot(dScores, keyTile, carried[0], /*transposeRhs=*/false)};
        };
        if (!masked)
          return accumulate(/*mask=*/{});
        return buildMaskedStep(block, source, tileRows, first, carried,
                               accumulate);
      })[0];
  storeRows(convert(dq), grad.dq, rows, block.rowBase, block.numRows,
            numQueries);
}

void GradProgramBuilder::buildKeyGrad(bool depth) {
  forEachBlock(
      [&] {
        KeySource source = depth ? depthSource() : sequenceSource();
        return arith::CeilDivUIOp::create(b, source.end, index(blockM));
      },
      /*longestFirst=*/false, [&](Value x) { buildKeyBlockGrad(x, depth); });
}

void GradProgramBuilder::buildKeyBlockGrad(Value x, bool depth) {
  KeySource source = depth ? depthSource() : sequenceSource();
  Value keyBase = arith::MulIOp::create(b, x, index(blockM));
  Value keyEnd = arith::MinUIOp::create(
      b, arith::AddIOp::create(b, keyBase, index(blockM)), source.end);
  Value keyTile = loadRows(source.keys, source.rows, blockM, keyBase, source.end,
                        source.extent);
  Value values = loadRows(source.values, source.rows, blockM, keyBase,
                          source.end, source.extent);

  // Seeing ranges grow with the key: the first key's begins the rows that
  // see part of the block, the last key's ends them; the last key's begin
  // and the first key's end bound the rows that see all of it.
  Value lastKey = arith::SubIOp::create(b, keyEnd, index(1));
  auto [firstBegin, fullEnd] = seeingRange(source.rule, keyBase);
  auto [fullBegin, lastEnd] = seeingRange(source.rule, lastKey);
  Value group = index(spec.groupSize);
  Value numRows = arith::MulIOp::create(b, numQueries, group);
  Value rowBegin = arith::MulIOp::create(b, firstBegin, group);
  int64_t blockN = getKeySideQueryRows(depth);
  auto tilesTo = [&](Value position, bool roundUp) -> Value {
    Value rowsBefore = arith::SubIOp::create(
        b, arith::MaxUIOp::create(b, arith::MulIOp::create(b, position, group),
                                  rowBegin),
        rowBegin);
    if (roundUp)
      return arith::CeilDivUIOp::create(b, rowsBefore, index(blockN));
    return arith::DivUIOp::create(b, rowsBefore, index(blockN));
  };
  Value numTiles = tilesTo(lastEnd, /*roundUp=*/true);

  RowsAttr rows = queryRows();
  auto step = [&](ValueRange carried, Value first,
                  bool masked) -> SmallVector<Value> {
    Value query = loadRows(args.q, rows, blockN, first, numRows, numQueries);
    Value dOut =
        loadRows(grad.dOut, rows, blockN, first, numRows, numQueries);
    Value lse =
        loadRowStatistics(args.lse, first, blockN, /*asRow=*/true, numRows);
    Value delta =
        loadRowStatistics(grad.delta, first, blockN, /*asRow=*/true, numRows);
    Value scores = product(keyTile, query, blockN); // keys as rows
    if (masked)
      scores = MaskOp::create(b, scores.getType(), scores, keyBase, first,
                              numQueries, numKeys, args.depth,
                              b.getI64IntegerAttr(spec.groupSize),
                              source.rule, /*transposed=*/b.getUnitAttr());
    Value probs =
        SoftmaxProbsOp::create(b, scores.getType(), scores, lse, exp2Scale);
    Value dValues = dot(probs, dOut, carried[1], /*transposeRhs=*/false);
    Value dProbs = product(values, dOut, blockN);
    Value dScores = SoftmaxGradOp::create(b, probs.getType(), probs, dProbs,
                                          delta, scale);
    Value dKeys = dot(dScores, query, carried[0], /*transposeRhs=*/false);
    return {dKeys, dValues};
  };
  SmallVector<Value> state = {splat({blockM, spec.headDim}, 0.0),
                              splat({blockM, spec.headDim}, 0.0)};
  auto walk = [&](Value firstTile, Value endTile, bool masked) {
    state = forEachTile(state, rowBegin, firstTile, endTile, blockN,
                        [&](ValueRange carried, Value first) {
                          return step(carried, first, masked);
                        });
  };
  if (depth) {
    // Depth entries are seen by a few rows each: every tile is masked.
    walk(index(0), numTiles, /*masked=*/true);
  } else {
    // The tiles whose rows all see every key of the block, unmasked,
    // between those at the causal diagonal and the ragged last one.
    Value firstFull = tilesTo(fullBegin, /*roundUp=*/true);
    Value endFull = arith::MaxUIOp::create(
        b, tilesTo(fullEnd, /*roundUp=*/false), firstFull);
    walk(index(0), firstFull, /*masked=*/true);
    walk(firstFull, endFull, /*masked=*/false);
    walk(endFull, numTiles, /*masked=*/true);
  }

  Value dKeysBuffer = depth ? grad.dDepthK : grad.dk;
  Value dValuesBuffer = depth ? grad.dDepthV : grad.dv;
  storeRows(convert(state[0]), dKeysBuffer, source.rows, keyBase, source.end,
            source.extent);
  storeRows(convert(state[1]), dValuesBuffer, source.rows, keyBase,
            source.end, source.extent);
}

/// The backward's programs and the launcher that runs them.
func::FuncOp buildGradProgramsAndLauncher(ModuleOp module, StringRef name,
                                          const AttentionKernelSpec &spec,
                                          AttentionGradOp op) {
  MLIRContext *ctx = module.getContext();
  Location loc = op.getLoc();
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  SymbolTable symbols(module);
  KernelAbiAttr abi = describeGradKernels(spec, op, name);
  auto programType = FunctionType::get(ctx, getGradKernelArgumentTypes(spec), {});
  SmallVector<func::FuncOp> programs;
  for (GradKernelKind kind : getGradKernels(spec)) {
    auto program = func::FuncOp::create(
        builder, loc, getGradKernelName(name, kind), programType);
    program.setPrivate();
    program->setAttr(kProgramAttrName, UnitAttr::get(ctx));
    program->setAttr(kKernelAbiAttrName, abi);
    symbols.insert(program);
    ImplicitLocOpBuilder b(loc, ctx);
    b.setInsertionPointToStart(program.addEntryBlock());
    AttentionGradArgs programArgs =
        getGradKernelArgs(spec, program.getArguments());
    GradProgramBuilder grads(b, spec, programArgs);
    if (kind == GradKernelKind::DQ)
      grads.buildQueryGrad();
    else
      grads.buildKeyGrad(/*depth=*/kind == GradKernelKind::DDepth);
    func::ReturnOp::create(b);
    programs.push_back(program);
  }

  auto launcher = func::FuncOp::create(
      builder, loc, (name + "_launch").str(),
      FunctionType::get(ctx, getGradLauncherArgumentTypes(spec), {}));
  symbols.insert(launcher);
  ImplicitLocOpBuilder b(loc, ctx);
  b.setInsertionPointToStart(launcher.addEntryBlock());
  SmallVector<Value> arguments = buildGradKernelArguments(
      b, spec, launcher.getArguments(), [&](MemRefType type, Value size) {
        return memref::AllocOp::create(b, type, ValueRange{size});
      });
  SmallVector<Value> sizes(
      ArrayRef<Value>(arguments).take_back(getNumSizeArguments(spec)));
  // The launcher takes contiguous tensors and passes the programs their
  // strides.
  llvm::append_range(arguments,
                     buildContiguousStrideArguments(b, abi, sizes));
  // In launch order: each program starts after the previous one is done.
  SmallVector<Value> gridSizes = getGridSizes(b, spec, sizes);
  for (func::FuncOp program : programs) {
    SmallVector<Value, 3> grid =
        buildGridSize(b, getOwnLaunch(program), gridSizes);
    LaunchOp::create(b, SymbolRefAttr::get(program), grid[0], grid[1],
                     grid[2], arguments);
  }
  // Freed by the target: the host's buffer deallocation, the GPU's
  // lowering of the launcher after its last launch.
  func::ReturnOp::create(b);
  return launcher;
}

} // namespace

LogicalResult mlir::moda::lowerAttentionGradsToTilePrograms(ModuleOp module) {
  return lowerAttentionGrads(
      module, [&](StringRef name, const AttentionKernelSpec &spec,
          AttentionGradOp op) {
        return buildGradProgramsAndLauncher(module, name, spec, op);
      });
}
