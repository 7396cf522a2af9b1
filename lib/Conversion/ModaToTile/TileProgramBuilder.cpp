//===- TileProgramBuilder.cpp - what every MoDA tile program shares -------===//

#include "TileProgramBuilder.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include <cmath>

using namespace mlir;
using namespace mlir::moda;
using namespace mlir::moda::tile;

TileProgramBuilder::TileProgramBuilder(ImplicitLocOpBuilder &b,
                                       const AttentionKernelSpec &spec,
                                       const AttentionKernelArgs &args)
    : b(b), spec(spec), args(args), numQueries(args.queries), numKeys(args.keys),
      strides(args.strides) {
  blockM = spec.config.getBlockM();
  exp2Scale = b.getF32FloatAttr(float(spec.scale * M_LOG2E));
  for (auto [name, buffer] :
       {std::pair<StringRef, Value>{"q", args.q}, {"out", args.out},
        {"k", args.k}, {"v", args.v}, {"depth_k", args.depthK},
        {"depth_v", args.depthV}, {"lse", args.lse}})
    addTensor(name, buffer);
}

ArrayRef<Value> TileProgramBuilder::getStrides(Value buffer) const {
  auto it = strides.find(buffer);
  return it == strides.end() ? ArrayRef<Value>() : ArrayRef(it->second);
}

SmallVector<Value> mlir::moda::tile::getGridSizes(
    ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
    ArrayRef<Value> sizes) {
  SmallVector<Value> bounded(sizes);
  if (!spec.packed)
    return bounded;
  Value one = arith::ConstantIndexOp::create(b, 1);
  for (unsigned symbol : {unsigned(SizeSymbol::T), unsigned(SizeSymbol::S)})
    bounded[symbol] = arith::MaxSIOp::create(b, sizes[symbol], one);
  return bounded;
}

Value TileProgramBuilder::splat(ArrayRef<int64_t> shape, double value) {
  auto type = RankedTensorType::get(shape, b.getF32Type());
  return arith::ConstantOp::create(
      b, DenseElementsAttr::get(type, b.getF32FloatAttr(value)));
}

std::pair<Value, Value> TileProgramBuilder::visibleRange(VisibilityAttr rule,
                                                         Value position) {
  Type indexType = b.getIndexType();
  auto range = VisibleRangeOp::create(b, indexType, indexType, position,
                                      numQueries, numKeys, args.depth,
                                      rule);
  return {range.getBegin(), range.getEnd()};
}

std::pair<Value, Value> TileProgramBuilder::seeingRange(VisibilityAttr rule,
                                                        Value column) {
  Type indexType = b.getIndexType();
  auto range = SeeingRangeOp::create(b, indexType, indexType, column,
                                     numQueries, numKeys, args.depth,
                                     rule);
  return {range.getBegin(), range.getEnd()};
}

Value TileProgramBuilder::readProgramIds() {
  Value x = ProgramIdOp::create(b, b.getIndexType(), ProgramAxis::X);
  head = ProgramIdOp::create(b, b.getIndexType(), ProgramAxis::Y);
  batch = ProgramIdOp::create(b, b.getIndexType(), ProgramAxis::Z);
  return x;
}

void TileProgramBuilder::forEachBlock(function_ref<Value()> numBlocks,
                                      bool longestFirst,
                                      function_ref<void(Value block)> body) {
  // The last blocks see the most keys. Run first (block x takes block
  // blocks - 1 - x), they leave the shortest blocks for the grid's last
  // wave rather than the longest.
  auto inOrder = [&](Value blocks, Value x) -> Value {
    if (!longestFirst)
      return x;
    return arith::SubIOp::create(
        b, arith::SubIOp::create(b, blocks, index(1)), x);
  };
  auto blocksAlongX = [&]() -> Value {
    return NumProgramsOp::create(b, b.getIndexType(), ProgramAxis::X);
  };
  Value x = readProgramIds();
  if (!spec.packed)
    return body(longestFirst ? inOrder(blocksAlongX(), x) : x);
  enterPackedSequence();
  Value blocks = numBlocks();
  auto loop = scf::ForOp::create(b, x, blocks, blocksAlongX());
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  body(inOrder(blocks, loop.getInductionVar()));
}

void TileProgramBuilder::forEachQueryBlock(
    function_ref<void(Value queryBlock)> body) {
  // (causal needs sequence keys: the verifier says so)
  forEachBlock(
      [&] {
        Value rows = arith::MulIOp::create(b, numQueries,
                                           index(spec.groupSize));
        return arith::CeilDivUIOp::create(b, rows, index(blockM));
      },
      /*longestFirst=*/spec.causal, body);
}

void TileProgramBuilder::enterPackedSequence() {
  auto bounds = SequenceBoundsOp::create(b, b.getIndexType(),
                                         b.getIndexType(), args.cuSeqlens,
                                         batch, args.tokens);
  batch = bounds.getBegin();
  numQueries = bounds.getLength();
  if (spec.hasSequence)
    numKeys = numQueries;
  // Each tensor is its sequence's view of the ABI's packed layout. Token-major
  // tensors ([N, ...]): the sequence's first token stands as the batch
  // entry, so batch and position both step by a token; the row statistics
  // ([Hq, N]) step by one per token and by N per query head.
  SmallVector<Value, 5> sizes = args.getSizes();
  for (auto [buffer, name] : tensors) {
    SmallVector<SizeExpr> layout = getContiguousStrides(
        getAbiTensor(spec, name, AbiTensorRole::Input).getShape());
    auto stride = [&](unsigned dim) { return buildSize(b, layout[dim], sizes); };
    if (name == "lse" || name == "delta") {
      Value token = stride(1);
      strides[buffer] = {token, stride(0), token};
      continue;
    }
    Value token = stride(0);
    SmallVector<Value, 4> rowStrides = {token, token};
    for (unsigned dim = 1; dim + 1 < layout.size(); ++dim)
      rowStrides.push_back(stride(dim));
    strides[buffer] = rowStrides;
  }
}

RowsAttr TileProgramBuilder::queryRows() const {
  return RowsAttr::get(b.getContext(), RowKind::Query, spec.numQueryHeads,
                       spec.groupSize);
}

RowsAttr TileProgramBuilder::lseRows() const {
  return RowsAttr::get(b.getContext(), RowKind::Lse, spec.numQueryHeads,
                       spec.groupSize);
}

KeySource TileProgramBuilder::sequenceSource() const {
  MLIRContext *ctx = b.getContext();
  return {args.k,
          args.v,
          RowsAttr::get(ctx, RowKind::Key, spec.numKVHeads, 1),
          numKeys,
          numKeys,
          VisibilityAttr::get(ctx, VisiblePart::Sequence, spec.causal,
                              DepthVisibility::PerPosition, 0),
          spec.paged};
}

KeySource TileProgramBuilder::depthSource() const {
  MLIRContext *ctx = b.getContext();
  Value entries = arith::MulIOp::create(b, numQueries, args.depth);
  return {args.depthK,
          args.depthV,
          RowsAttr::get(ctx, RowKind::Depth, spec.numKVHeads, 1),
          entries,
          entries,
          VisibilityAttr::get(ctx, VisiblePart::Depth, false, spec.visibility,
                              spec.chunkSize)};
}

QueryBlock TileProgramBuilder::getQueryBlock(Value x) {
  QueryBlock block;
  Value group = index(spec.groupSize);
  block.numRows = arith::MulIOp::create(b, numQueries, group);
  block.rowBase = arith::MulIOp::create(b, x, index(blockM));
  block.rowEnd = arith::MinUIOp::create(
      b, arith::AddIOp::create(b, block.rowBase, index(blockM)),
      block.numRows);
  block.firstPosition = arith::DivUIOp::create(b, block.rowBase, group);
  block.lastPosition = arith::DivUIOp::create(
      b, arith::SubIOp::create(b, block.rowEnd, index(1)), group);
  return block;
}

Value TileProgramBuilder::loadRows(Value buffer, RowsAttr rowsAttr,
                                   int64_t rows, Value first, Value end,
                                   Value extent) {
  return loadTile(rowTileType(rows), buffer, rowsAttr, batch, first, end,
                  extent);
}

Value TileProgramBuilder::loadTile(RankedTensorType type, Value buffer,
                                   RowsAttr rowsAttr, Value batchIndex,
                                   Value first, Value end, Value extent) {
  ArrayRef<Value> strides = getStrides(buffer);
  return LoadOp::create(b, type, buffer, batchIndex, head, first, end, extent,
                        strides, getEntriesOperand(rowsAttr, strides),
                        rowsAttr, /*copy=*/CopyAttr());
}

std::pair<Value, Value>
TileProgramBuilder::loadKeyTiles(const KeySource &source, int64_t rows,
                                 Value first) {
  auto load = [&](Value buffer, Value batchIndex, Value row, Value end,
                  Value extent) {
    return loadTile(rowTileType(rows), buffer, source.rows, batchIndex, row,
                    end, extent);
  };
  if (!source.paged)
    return {load(source.keys, batch, first, source.end, source.extent),
            load(source.values, batch, first, source.end, source.extent)};
  // The tile lies in one page (block_n divides the page size): the page's
  // rows [row, row + rows), those at or past the keys' end zeros.
  Type indexType = b.getIndexType();
  auto lookup = PageLookupOp::create(b, indexType, indexType, args.blockTable,
                                     batch, first, /*pages=*/args.tokens,
                                     spec.pageSize, spec.tableWidth);
  Value page = lookup.getPage(), row = lookup.getRow();
  Value end = arith::SubIOp::create(
      b, source.end, arith::SubIOp::create(b, first, row));
  // An empty pool has no page 0 to read: every row reads as zero.
  Value emptyPool = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                          args.tokens, index(0));
  end = arith::SelectOp::create(b, emptyPool, index(0), end);
  Value pageSize = index(spec.pageSize);
  return {load(source.keys, page, row, end, pageSize),
          load(source.values, page, row, end, pageSize)};
}

void TileProgramBuilder::storeRows(Value tile, Value buffer, RowsAttr rowsAttr,
                                   Value first, Value end, Value extent) {
  storeTile(tile, buffer, rowsAttr, batch, first, end, extent);
}

void TileProgramBuilder::storeTile(Value tile, Value buffer, RowsAttr rowsAttr,
                                   Value batchIndex, Value first, Value end,
                                   Value extent) {
  ArrayRef<Value> strides = getStrides(buffer);
  StoreOp::create(b, tile, buffer, batchIndex, head, first, end, extent,
                  strides, getEntriesOperand(rowsAttr, strides), rowsAttr);
}

Value TileProgramBuilder::getEntriesOperand(RowsAttr rowsAttr,
                                            ArrayRef<Value> strides) const {
  // A strided depth row is (position, entry) of the view: its address needs
  // the number of entries per position, L.
  return rowsAttr.getKind() == RowKind::Depth && !strides.empty() ? args.depth
                                                                  : Value();
}

SmallVector<Value> TileProgramBuilder::forEachTile(
    ValueRange state, Value base, Value firstTile, Value endTile,
    int64_t tileRows,
    function_ref<SmallVector<Value>(ValueRange, Value)> step) {
  auto loop = scf::ForOp::create(b, firstTile, endTile, index(1), state);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(loop.getBody());
  Value first = arith::AddIOp::create(
      b, base,
      arith::MulIOp::create(b, loop.getInductionVar(), index(tileRows)));
  scf::YieldOp::create(b, step(loop.getRegionIterArgs(), first));
  return loop.getResults();
}

SmallVector<Value>
TileProgramBuilder::forEachVisibleKeyTile(ValueRange state,
                                          const QueryBlock &block,
                                          KeyTileStep step,
                                          std::optional<KeyShare> share) {
  SmallVector<Value> current(state);
  // The share's tiles [shareBegin, shareEnd) of `numTiles`, cut out of the
  // tile ranges below.
  Value shareBegin, shareEnd;
  auto cutToShare = [&](Value numTiles) {
    Value perShare =
        arith::CeilDivUIOp::create(b, numTiles, index(share->splits));
    shareBegin = arith::MinUIOp::create(
        b, arith::MulIOp::create(b, share->split, perShare), numTiles);
    shareEnd = arith::MinUIOp::create(
        b, arith::AddIOp::create(b, shareBegin, perShare), numTiles);
  };
  auto clampToShare = [&](Value tile) -> Value {
    if (!share)
      return tile;
    return arith::MinUIOp::create(
        b, arith::MaxUIOp::create(b, tile, shareBegin), shareEnd);
  };
  if (spec.hasSequence) {
    KeySource sequence = sequenceSource();
    int64_t blockN = spec.config.getBlockN();
    // Visible ranges grow with the position: the first row's is seen by
    // all rows, the last row's bounds the block.
    Value fullEnd = visibleRange(sequence.rule, block.firstPosition).second;
    Value diagonalEnd = visibleRange(sequence.rule, block.lastPosition).second;
    Value numFullTiles = arith::DivUIOp::create(b, fullEnd, index(blockN));
    Value numTiles = arith::CeilDivUIOp::create(b, diagonalEnd, index(blockN));
    if (share)
      cutToShare(numTiles);
    // [0, full) unmasked, [full, tiles) masked, each within the share.
    Value full = clampToShare(numFullTiles);
    for (bool masked : {false, true})
      current = forEachTile(
          current, index(0), masked ? full : clampToShare(index(0)),
          masked ? clampToShare(numTiles) : full, blockN,
          [&](ValueRange carried, Value first) {
            return step(carried, sequence, blockN, first, masked);
          });
  }
  if (spec.hasDepth) {
    KeySource depth = depthSource();
    int64_t blockDepth = spec.config.getBlockDepth();
    // The block's span of flattened (position, entry) indices: from the
    // first row's window start to the last row's window end.
    Value spanBegin = visibleRange(depth.rule, block.firstPosition).first;
    Value spanEnd = visibleRange(depth.rule, block.lastPosition).second;
    Value numTiles = arith::CeilDivUIOp::create(
        b, arith::SubIOp::create(b, spanEnd, spanBegin), index(blockDepth));
    if (share) {
      Value last = arith::CmpIOp::create(b, arith::CmpIPredicate::eq,
                                         share->split,
                                         index(share->splits - 1));
      numTiles = arith::SelectOp::create(b, last, numTiles, index(0));
    }
    depth.end = spanEnd;
    current = forEachTile(current, spanBegin, index(0), numTiles, blockDepth,
                          [&](ValueRange carried, Value first) {
                            return step(carried, depth, blockDepth, first,
                                        /*masked=*/true);
                          });
  }
  return current;
}

SmallVector<Value> TileProgramBuilder::buildMaskedStep(
    const QueryBlock &block, const KeySource &source, int64_t tileRows,
    Value first, ValueRange carried,
    function_ref<SmallVector<Value>(ScoreMask mask)> compute) {
  auto step = IfSeenOp::create(b, block.rowBase, first, numQueries,
                               numKeys, args.depth, carried, tileRows,
                               spec.groupSize, source.rule);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&step.getBody().emplaceBlock());
  auto mask = [&](Value scores) -> Value {
    return MaskOp::create(b, scores.getType(), scores, block.rowBase, first,
                          numQueries, numKeys, args.depth,
                          b.getI64IntegerAttr(spec.groupSize), source.rule,
                          /*transposed=*/UnitAttr());
  };
  YieldOp::create(b, compute(mask));
  return step.getResults();
}
