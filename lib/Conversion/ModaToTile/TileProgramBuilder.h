//===- TileProgramBuilder.h - what every MoDA tile program shares -*- C++ -*-===//
//
// The algorithm stage writes each kernel of moda.attention and
// moda.attention_grad as the program of one thread block on tiles. The
// programs share their frame: the block ids, the row layouts of MoDA's
// tensors, the sources of key tiles (sequence or depth) and the walks over
// them, every bound asked of the one visibility rule (moda_tile.
// visible_range for a block of query rows, moda_tile.seeing_range for a
// block of keys). The forward program is ConvertModaToTile.cpp's, the
// backward's AttentionGradToTile.cpp's.
//
//===----------------------------------------------------------------------===//

#ifndef MODA_LIB_CONVERSION_MODATOTILE_TILEPROGRAMBUILDER_H
#define MODA_LIB_CONVERSION_MODATOTILE_TILEPROGRAMBUILDER_H

#include "moda/Conversion/ModaToKernel/AttentionKernel.h"
#include "moda/Dialect/ModaTile/IR/ModaTileDialect.h"

#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::moda::tile {

/// The tiles of keys (sequence or depth) a program reads.
struct KeySource {
  Value keys, values; ///< the flat buffers
  RowsAttr rows;
  Value end, extent; ///< rows at or past `end` read as zeros
  VisibilityAttr rule;
  /// The keys live in the pages of a paged KV cache (loadKeyTiles looks
  /// each tile's page up).
  bool paged = false;
};

/// Split-KV: the share `split` of `splits` a program takes of a block's
/// sequence key tiles (contiguous, ceil(tiles / splits) each; the last
/// share also takes the block's depth entries).
struct KeyShare {
  Value split;
  int64_t splits = 1;
};

/// The folded query rows [rowBase, rowEnd) of a block and the positions
/// [firstPosition, lastPosition] they cover.
struct QueryBlock {
  Value rowBase, rowEnd, numRows, firstPosition, lastPosition;
};

/// The sizes a launcher of `spec`'s programs evaluates their grids on: its
/// own (B, T, S, L, N), with, for packed sequences, T and S at least 1. The
/// grid has a block along x per block_m rows of T; a packed program loops
/// over its own sequence's blocks, so any bound of at least 1 covers every
/// sequence, where 0 (or a negative max_seqlen) would launch nothing.
SmallVector<Value> getGridSizes(ImplicitLocOpBuilder &b,
                                const AttentionKernelSpec &spec,
                                ArrayRef<Value> sizes);

class TileProgramBuilder {
public:
  TileProgramBuilder(ImplicitLocOpBuilder &b, const AttentionKernelSpec &spec,
                     const AttentionKernelArgs &args);

  /// One step over the key tile starting at row `first` (masked or not):
  /// the loop-carried values in, the next ones out.
  using KeyTileStep = function_ref<SmallVector<Value>(
      ValueRange state, const KeySource &source, int64_t tileRows,
      Value first, bool masked)>;

protected:
  Value index(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value splat(ArrayRef<int64_t> shape, double value);
  RankedTensorType rowTileType(int64_t rows) const {
    return RankedTensorType::get({rows, spec.headDim}, spec.elementType);
  }
  std::pair<Value, Value> visibleRange(VisibilityAttr rule, Value position);
  std::pair<Value, Value> seeingRange(VisibilityAttr rule, Value column);

  /// The block's ids: x (its rows), y (key/value head), z (batch entry, or
  /// packed sequence).
  Value readProgramIds();
  /// Runs `body` on each block the program owns along x: the one of its
  /// block id x (reversed when `longestFirst`: blocks - 1 - x, so that the
  /// longest blocks, which see the most keys, run first); packed,
  /// for the sequence of block id z (enterPackedSequence), blocks x, x +
  /// (blocks along x), ... of the `numBlocks()` blocks of that sequence, so
  /// that a grid sized for a smaller max_seqlen than a sequence's length
  /// still covers it.
  void forEachBlock(function_ref<Value()> numBlocks, bool longestFirst,
                    function_ref<void(Value block)> body);
  /// forEachBlock over the blocks of block_m folded query rows, longest
  /// first when causal.
  void forEachQueryBlock(function_ref<void(Value queryBlock)> body);
  /// Packed sequences: reads the bounds of sequence z (after
  /// readProgramIds) and makes the program's sizes, batch entry and strides
  /// that sequence's: T = S = its length, its first token in the place of
  /// the batch entry, the tensors (addTensor) as views of one sequence.
  void enterPackedSequence();
  /// The program's tensor `name` (of the ABI) in `buffer`: a packed
  /// sequence reads it as a view (the forward's tensors are added by the
  /// constructor).
  void addTensor(StringRef name, Value buffer) {
    if (buffer)
      tensors.push_back({buffer, name});
  }
  /// The strides of the tensor in `buffer` (empty when the program reads it
  /// as a dense tensor).
  ArrayRef<Value> getStrides(Value buffer) const;
  RowsAttr queryRows() const;
  RowsAttr lseRows() const;
  KeySource sequenceSource() const;
  KeySource depthSource() const;

  /// The block of block_m folded query rows that block id `x` owns.
  QueryBlock getQueryBlock(Value x);
  /// The `entries` operand of a load or store of `rowsAttr` rows with
  /// `strides`: L for strided depth rows, none otherwise.
  Value getEntriesOperand(RowsAttr rowsAttr, ArrayRef<Value> strides) const;
  /// A tile of `rows` rows of `buffer` from `first` on, as `rowsAttr` lays
  /// them out (with the tensor's strides where the kernel takes it as a
  /// view).
  Value loadRows(Value buffer, RowsAttr rowsAttr, int64_t rows, Value first,
                 Value end, Value extent);
  /// A tile of `type` (rows of elements, or a row statistic per row) of
  /// `buffer` for batch entry `batchIndex`, as `rowsAttr` lays it out.
  Value loadTile(RankedTensorType type, Value buffer, RowsAttr rowsAttr,
                 Value batchIndex, Value first, Value end, Value extent);
  /// The tiles of `rows` keys and values of `source` from key `first` on:
  /// loadRows, or, paged, the rows of the page that holds them (one
  /// moda_tile.page_lookup for both), the page in the place of the batch
  /// entry.
  std::pair<Value, Value> loadKeyTiles(const KeySource &source, int64_t rows,
                                       Value first);
  void storeRows(Value tile, Value buffer, RowsAttr rowsAttr, Value first,
                 Value end, Value extent);
  /// storeRows for batch entry `batchIndex`.
  void storeTile(Value tile, Value buffer, RowsAttr rowsAttr, Value batchIndex,
                 Value first, Value end, Value extent);

  /// `step` over the tiles [firstTile, endTile) of `tileRows` rows, tile j
  /// starting at row base + j * tileRows, in an scf.for carrying `state`.
  SmallVector<Value> forEachTile(ValueRange state, Value base,
                                 Value firstTile, Value endTile,
                                 int64_t tileRows,
                                 function_ref<SmallVector<Value>(
                                     ValueRange state, Value first)>
                                     step);
  /// `step` over every key tile the rows of `block` see: the sequence
  /// tiles all of them see whole (unmasked), the sequence tiles at their
  /// causal diagonal or ragged end (masked), and the block's span of depth
  /// entries (masked: each row sees only its own window); of those, only
  /// `share`'s when it is given.
  SmallVector<Value> forEachVisibleKeyTile(ValueRange state,
                                           const QueryBlock &block,
                                           KeyTileStep step,
                                           std::optional<KeyShare> share = {});

  /// Masks scores of the block's rows against a tile of keys or depth
  /// entries.
  using ScoreMask = function_ref<Value(Value scores)>;
  /// A step of the block's rows on the masked tile of `source` that
  /// starts at `first`: `compute` (given the mask to apply to its scores)
  /// maps `carried` to their next values inside a moda_tile.if_seen, which
  /// rows seeing none of the tile may skip.
  SmallVector<Value>
  buildMaskedStep(const QueryBlock &block, const KeySource &source,
                  int64_t tileRows, Value first, ValueRange carried,
                  function_ref<SmallVector<Value>(ScoreMask mask)> compute);

  ImplicitLocOpBuilder &b;
  const AttentionKernelSpec &spec;
  const AttentionKernelArgs &args;
  int64_t blockM;
  FloatAttr exp2Scale;
  Value head, batch;
  /// The query positions T and sequence keys S of the program's rows: the
  /// kernel's sizes, or a packed sequence's length.
  Value numQueries, numKeys;
  /// The tensors' strides by buffer: the kernel's, or a packed sequence's.
  DenseMap<Value, SmallVector<Value, 4>> strides;
  /// Every tensor of the program with its name in the ABI.
  SmallVector<std::pair<Value, StringRef>> tensors;
};

} // namespace mlir::moda::tile

#endif // MODA_LIB_CONVERSION_MODATOTILE_TILEPROGRAMBUILDER_H
