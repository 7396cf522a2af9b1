//===- ModaTileOps.td - moda_tile operations ---------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODATILE_IR_MODATILEOPS_TD
#define MODA_DIALECT_MODATILE_IR_MODATILEOPS_TD

include "moda/Dialect/ModaTile/IR/ModaTileDialect.td"
include "moda/Dialect/ModaTile/IR/ModaTileAttrs.td"
include "moda/Dialect/ModaTile/IR/ModaTileTypes.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"
include "mlir/IR/OpBase.td"

def ModaTile_FloatTile : RankedTensorOf<[BF16, F16, F32]>;
def ModaTile_F32Tile : RankedTensorOf<[F32]>;
def ModaTile_FlatBuffer : MemRefRankOf<[BF16, F16, F32], [1]>;

def ModaTile_ProgramIdOp : ModaTile_Op<"program_id", [Pure]> {
  let summary = "the block's index along one axis of the grid";
  let description = [{
    The block's index along `axis` of the grid `moda_tile.launch` runs. An
    attention program's grid is (query block, key/value head, batch entry).

    ```mlir
    %block = moda_tile.program_id x
    ```
  }];
  let arguments = (ins ModaTile_ProgramAxis:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
}

def ModaTile_NumProgramsOp : ModaTile_Op<"num_programs", [Pure]> {
  let summary = "the grid's number of blocks along one axis";
  let description = [{
    The number of blocks along `axis` of the grid `moda_tile.launch` runs,
    so that a program can choose the order in which blocks take their work
    (a causal program runs its longest blocks first):

    ```mlir
    %id = moda_tile.program_id x
    %blocks = moda_tile.num_programs x
    %last = arith.subi %blocks, %c1 : index
    %block = arith.subi %last, %id : index
    ```
  }];
  let arguments = (ins ModaTile_ProgramAxis:$axis);
  let results = (outs Index:$result);
  let assemblyFormat = "$axis attr-dict";
}

def ModaTile_I32Offsets : MemRefRankOf<[I32], [1]>;

def ModaTile_SequenceBoundsOp : ModaTile_Op<"sequence_bounds",
    [MemoryEffects<[MemRead]>]> {
  let summary = "where one of several packed sequences is";
  let description = [{
    The first token `begin` and the length `length` of packed sequence
    `sequence`: `cu_seqlens[sequence]` and `cu_seqlens[sequence + 1] -
    cu_seqlens[sequence]`, from the offsets of moda.attention's `packed`,
    clamped into the `tokens` (N) the tensors hold, so that offsets that
    break their contract (non-decreasing, from 0 to N) read no memory
    outside the tensors. A program over packed sequences takes its
    sequence from the grid and runs the unpacked algorithm on tokens
    `[begin, begin + length)` (T = S = `length`, `begin` in the place of
    the batch entry).

    ```mlir
    %begin, %length = moda_tile.sequence_bounds %cu[%sequence] tokens %N
        : memref<?xi32>
    ```
  }];
  let arguments = (ins ModaTile_I32Offsets:$cu_seqlens, Index:$sequence,
                       Index:$tokens);
  let results = (outs Index:$begin, Index:$length);
  let assemblyFormat = [{
    $cu_seqlens `[` $sequence `]` `tokens` $tokens attr-dict `:`
    type($cu_seqlens)
  }];
}

def ModaTile_PageLookupOp : ModaTile_Op<"page_lookup",
    [MemoryEffects<[MemRead]>, AlwaysSpeculatable]> {
  let summary = "where a key of a paged KV cache is";
  let description = [{
    The page of the pool and the row in that page that hold sequence key
    `key` of batch entry `batch`, from the block table `block_table` of
    moda.attention's `paged` (flat, `[B, pages_per_entry]` i32): page
    `block_table[batch, key / page_size]`, row `key mod page_size`. Both
    are clamped so that no entry breaking the table's contract reads
    memory outside it or outside the pool: the table's column into
    `[0, pages_per_entry)`, the page id into `[0, pages)`. A program over a
    paged cache looks up each tile of keys (which lies in one page: the
    tile size divides `page_size`) and loads it from its page, the page in
    the place of the batch entry. Its reads stay inside the table for any
    key, so it may run ahead of the loads it addresses (speculatable: the
    pipeliner computes the lookups of later iterations with their copies).

    ```mlir
    %page, %row = moda_tile.page_lookup %table[%batch, %first] pages %P
        {page_size = 64 : i64, pages_per_entry = 32 : i64} : memref<?xi32>
    ```
  }];
  let arguments = (ins ModaTile_I32Offsets:$block_table, Index:$batch,
                       Index:$key, Index:$pages,
                       ConfinedAttr<I64Attr, [IntPositive]>:$page_size,
                       ConfinedAttr<I64Attr, [IntPositive]>:$pages_per_entry);
  let results = (outs Index:$page, Index:$row);
  let assemblyFormat = [{
    $block_table `[` $batch `,` $key `]` `pages` $pages attr-dict `:`
    type($block_table)
  }];
}

def ModaTile_VisibleRangeOp : ModaTile_Op<"visible_range", [Pure]> {
  let summary = "the keys or depth entries a query position sees";
  let description = [{
    The range `[begin, end)` of sequence keys or flattened depth entries that
    query position `position` sees under `visibility`, for `queries` (T)
    positions, `keys` (S) sequence keys and `depth` (L) entries per position.
    Programs derive their loop bounds from it; `moda_tile.mask` applies the
    same rule to scores.

    ```mlir
    %begin, %end = moda_tile.visible_range %t (T = %T, S = %S, L = %L)
        {visibility = #moda_tile.visibility<part = sequence, causal = true>}
    ```
  }];
  let arguments = (ins Index:$position, Index:$queries, Index:$keys,
                       Index:$depth, ModaTile_VisibilityAttr:$visibility);
  let results = (outs Index:$begin, Index:$end);
  let assemblyFormat = [{
    $position ` ` `(` `T` `=` $queries `,` `S` `=` $keys `,` `L` `=` $depth `)`
    attr-dict
  }];
}

def ModaTile_SeeingRangeOp : ModaTile_Op<"seeing_range", [Pure]> {
  let summary = "the query positions that see a key or depth entry";
  let description = [{
    The range `[begin, end)` of query positions that see sequence key or
    flattened depth entry `column` under `visibility`: the inverse of
    `moda_tile.visible_range`, from the same rule. Both bounds grow with
    `column`, so a block of keys `[k0, k1)` is seen by positions
    `[begin(k0), end(k1 - 1))` and seen whole by `[begin(k1 - 1), end(k0))`.
    The backward's key-side programs derive their loops over query tiles
    from it.

    ```mlir
    %begin, %end = moda_tile.seeing_range %s (T = %T, S = %S, L = %L)
        {visibility = #moda_tile.visibility<part = sequence, causal = true>}
    ```
  }];
  let arguments = (ins Index:$column, Index:$queries, Index:$keys,
                       Index:$depth, ModaTile_VisibilityAttr:$visibility);
  let results = (outs Index:$begin, Index:$end);
  let assemblyFormat = [{
    $column ` ` `(` `T` `=` $queries `,` `S` `=` $keys `,` `L` `=` $depth `)`
    attr-dict
  }];
}

def ModaTile_LoadOp : ModaTile_Op<"load", [MemoryEffects<[MemRead]>,
                                            AttrSizedOperandSegments]> {
  let summary = "a tile of consecutive rows of a tensor";
  let description = [{
    Reads rows `[first, first + R)` of the tensor `buffer` (flat) for batch
    entry `batch` and key/value head `head`, laid out as `rows` says; rows at
    or past `end` read as zeros. Rows count in the tile's own unit: folded
    rows `t * G + g` for query (so `end` is at most T * G), keys, flattened
    depth entries. `extent` is the tensor's size per batch entry along its
    row dimension: T positions for query rows, S for keys, T * L for depth
    entries. `copy`,
    chosen by `moda-tile-assign-layouts`, says how the tile is brought in.

    Without `strides` the tensor is dense in its framework layout. With
    them, in elements, one per dimension before the innermost (whose stride
    is 1): batch, position (or key) and head for query and key rows; batch,
    position, entry and head for depth rows, which also give `entries`, the
    depth entries per position L (a depth row `t * L + l` splits into its
    position and entry). A view of a larger buffer (q, k, v of one fused
    projection; the first L slots of a depth stream of capacity C) is read
    in place; `extent` then bounds nothing but is kept for the dense form.
    The GPU lowering moves rows of elements in 16-byte pieces: each stride
    of q, k, v and depth rows must be a multiple of 16 bytes (a caller
    checks it; the op cannot). `lse` rows
    (one value each, no row of elements) take a stride for every dimension:
    batch, query head, position (packed sequences' `[Hq, N]`, where the
    batch entry is the sequence's first token); without strides they are
    dense `[B, Hq, T]`.

    A tile of `lse` rows (of `lse` or `delta`, one f32 per folded row) has
    rank 1, `tensor<R>`, a value per row of a tile of R rows; or shape
    `tensor<1xR>`, the same values as one row, for tiles whose columns are
    those rows (the backward's key-side programs, which hold keys as rows
    and query rows as columns).

    ```mlir
    %k = moda_tile.load %kbuf[%batch, %head, %first] end %S extent %S
        {rows = #moda_tile.rows<kind = key, heads = 2>}
        : memref<?xbf16> -> tensor<64x64xbf16>
    ```
  }];
  let arguments = (ins ModaTile_FlatBuffer:$buffer, Index:$batch,
                       Index:$head, Index:$first, Index:$end, Index:$extent,
                       Variadic<Index>:$strides, Optional<Index>:$entries,
                       ModaTile_RowsAttr:$rows,
                       OptionalAttr<ModaTile_CopyAttr>:$copy);
  let results = (outs ModaTile_FloatTile:$result);
  let assemblyFormat = [{
    $buffer `[` $batch `,` $head `,` $first `]` `end` $end `extent` $extent
    (`strides` ` ` `[` $strides^ `]`)? (`entries` $entries^)?
    attr-dict `:` type($buffer) `->` type($result)
  }];
  let hasVerifier = 1;
}

def ModaTile_AsyncLoadOp : ModaTile_Op<"async_load", [MemoryEffects<[MemRead, MemWrite]>,
                                                      AttrSizedOperandSegments]> {
  let summary = "starts the copy of a tile of rows into a slot of a multi-buffer";
  let description = [{
    The tile `moda_tile.load` would read (same operands, `strides` and
    `entries` included, and `rows`),
    copied asynchronously into slot `slot` of the program's multi-buffer
    `multi_buffer` (which has `copy.stages` slots); the copy joins the group
    the next `moda_tile.commit` closes, and the tile is there once a
    `moda_tile.wait` on the future returns. Made by `moda-tile-pipeline`
    from loads whose copy kind is `cp_async` (the tiles products read as
    their right operand: keys, values, depth entries, and in the
    backward's key-side programs query rows and their output gradients,
    with the lse and delta values of those rows as one row, `tensor<1xR>`).

    ```mlir
    %next = moda_tile.async_load %kbuf[%batch, %head, %first] end %S extent %S slot %s
        {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64,
         rows = #moda_tile.rows<kind = key, heads = 2>}
        : memref<?xbf16> -> !moda_tile.future<tensor<64x64xbf16>>
    ```
  }];
  let arguments = (ins ModaTile_FlatBuffer:$buffer, Index:$batch,
                       Index:$head, Index:$first, Index:$end, Index:$extent,
                       Variadic<Index>:$strides, Optional<Index>:$entries,
                       Index:$slot, ModaTile_RowsAttr:$rows,
                       ModaTile_CopyAttr:$copy,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$multi_buffer);
  let results = (outs ModaTile_FutureType:$result);
  let assemblyFormat = [{
    $buffer `[` $batch `,` $head `,` $first `]` `end` $end `extent` $extent
    (`strides` ` ` `[` $strides^ `]`)? (`entries` $entries^)?
    `slot` $slot attr-dict `:` type($buffer) `->` type($result)
  }];
  let hasVerifier = 1;
}

def ModaTile_CommitOp : ModaTile_Op<"commit", [MemoryEffects<[MemWrite]>]> {
  let summary = "closes the group of asynchronous copies started since the last";
  let description = [{
    `moda_tile.wait {pending = n}` counts these groups.

    ```mlir
    moda_tile.commit
    ```
  }];
  let assemblyFormat = "attr-dict";
}

def ModaTile_WaitOp : ModaTile_Op<"wait", [MemoryEffects<[MemRead, MemWrite]>,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "waits for asynchronous copies and returns their tiles";
  let description = [{
    Waits until at most `pending` of the committed copy groups are still in
    flight (the most recent ones), then returns the tiles of `futures`, which
    must be in the groups that completed. Without futures it only waits: a
    loop's copies drained with `pending = 0` before its buffers serve
    another loop.

    ```mlir
    %k, %v = moda_tile.wait %fk, %fv {pending = 1 : i64}
        : !moda_tile.future<tensor<64x64xbf16>>, !moda_tile.future<tensor<64x64xbf16>>
    ```
  }];
  let arguments = (ins Variadic<ModaTile_FutureType>:$futures,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$pending);
  let results = (outs Variadic<ModaTile_FloatTile>:$tiles);
  let assemblyFormat = [{
    $futures attr-dict (`:` type($futures)^)?
  }];
}

def ModaTile_StoreOp : ModaTile_Op<"store", [MemoryEffects<[MemWrite]>,
                                              AttrSizedOperandSegments]> {
  let summary = "writes the rows of a tile into a tensor";
  let description = [{
    Writes row `r` of `tile` to row `first + r` of `buffer`, addressed as in
    `moda_tile.load` (`strides` and `entries` included: `out` or a gradient
    may be a view), for the rows before `end`; the others are not written.
    A tile of `lse` rows (`lse`, `delta`) has rank 1 (one value per row).
    Query rows hold `out` and `dq`, key rows `dk` and `dv`, depth rows the
    depth gradients.

    ```mlir
    moda_tile.store %o, %out[%batch, %head, %first] end %rows extent %T
        {rows = #moda_tile.rows<kind = query, heads = 8, group = 4>}
        : tensor<64x64xbf16>, memref<?xbf16>
    ```
  }];
  let arguments = (ins ModaTile_FloatTile:$tile, ModaTile_FlatBuffer:$buffer,
                       Index:$batch, Index:$head, Index:$first, Index:$end,
                       Index:$extent, Variadic<Index>:$strides,
                       Optional<Index>:$entries, ModaTile_RowsAttr:$rows);
  let assemblyFormat = [{
    $tile `,` $buffer `[` $batch `,` $head `,` $first `]` `end` $end `extent`
    $extent (`strides` ` ` `[` $strides^ `]`)? (`entries` $entries^)?
    attr-dict `:` type($tile) `,` type($buffer)
  }];
  let hasVerifier = 1;
}

def ModaTile_DotOp : ModaTile_Op<"dot", [Pure, AllTypesMatch<["acc", "result"]>]> {
  let summary = "a tile matrix product accumulated in f32";
  let description = [{
    `acc + lhs * rhs` (with `transpose_rhs`: `acc + lhs * rhs^T`), products
    and sums in f32 whatever the operands' element types. `layout`, chosen
    by `moda-tile-assign-layouts`, says which threads and instructions run
    it.

    With `async` (set by `moda-tile-async-dots`, `wgmma` layout only) the
    product is issued and runs on while the threads go on: its result may
    be the accumulator of a later async product, but anything else reads
    it through a `moda_tile.dot_wait`.

    With `lhs_from_shared` (set by `moda-tile-assign-layouts`, `wgmma`
    layout only) the left operand, a loaded tile, is read by the
    instruction from shared memory instead of from the threads' registers:
    the tile stays in shared memory for every product that reads it, and
    its registers are free for the accumulators.

    ```mlir
    %s = moda_tile.dot %q, %k, %zero {transpose_rhs}
        : tensor<64x64xbf16>, tensor<32x64xbf16> -> tensor<64x32xf32>
    ```
  }];
  let arguments = (ins ModaTile_FloatTile:$lhs, ModaTile_FloatTile:$rhs,
                       ModaTile_F32Tile:$acc, UnitAttr:$transpose_rhs,
                       OptionalAttr<ModaTile_LayoutAttr>:$layout,
                       UnitAttr:$async, UnitAttr:$lhs_from_shared);
  let results = (outs ModaTile_F32Tile:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs `,` $acc attr-dict `:` type($lhs) `,` type($rhs) `->`
    type($result)
  }];
  let hasVerifier = 1;
}

def ModaTile_DotWaitOp : ModaTile_Op<"dot_wait", [
    MemoryEffects<[MemRead, MemWrite]>,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "waits for asynchronous products and returns their results";
  let description = [{
    Waits until at most `pending` of the asynchronous products issued
    before it (`moda_tile.dot` with `async`) are still running (the most
    recent ones; products finish in the order they were issued), then
    returns `tiles` unchanged: the results of products that finished. Every
    read of an async product's result, other than as the accumulator of
    the next async product, goes through one, so that no lowering can read
    the registers before the product has written them. Without tiles it
    only waits (`pending = 0`: every product done, before shared memory a
    product reads is written again).

    ```mlir
    %s = moda_tile.dot %q, %k, %zero {async, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, transpose_rhs} : ...
    %dp = moda_tile.dot %do, %v, %zero {async, layout = ..., transpose_rhs} : ...
    %s_ready = moda_tile.dot_wait %s {pending = 1 : i64} : tensor<64x64xf32>
    ```
  }];
  let arguments = (ins Variadic<ModaTile_F32Tile>:$tiles,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$pending);
  let results = (outs Variadic<ModaTile_F32Tile>:$results);
  let assemblyFormat = [{
    $tiles attr-dict (`:` type($tiles)^)?
  }];
}

def ModaTile_MaskOp : ModaTile_Op<"mask", [Pure, AllTypesMatch<["scores", "result"]>]> {
  let summary = "sets the scores of invisible keys or depth entries to -inf";
  let description = [{
    Score `(r, c)` belongs to folded query row `first_row + r` (position
    `(first_row + r) / group`) and to key or flattened depth entry
    `first_column + c`; it is kept when that column lies in the position's
    visible range under `visibility` (as `moda_tile.visible_range` computes
    it) and is -inf otherwise.

    With `transposed` the roles swap: rows are keys or depth entries
    (`first_row + r`) and columns folded query rows (`first_column + c`),
    as in the backward's key-side programs; columns at or past `T * group`
    (rows of no query) are masked too, since their zero-filled tiles would
    otherwise take part in the products.

    ```mlir
    %m = moda_tile.mask %s rows %r0 columns %c0 (T = %T, S = %S, L = %L)
        {group = 4 : i64,
         visibility = #moda_tile.visibility<part = sequence, causal = true>}
        : tensor<64x32xf32>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$scores, Index:$first_row,
                       Index:$first_column, Index:$queries, Index:$keys,
                       Index:$depth, ConfinedAttr<I64Attr, [IntPositive]>:$group,
                       ModaTile_VisibilityAttr:$visibility,
                       UnitAttr:$transposed);
  let results = (outs ModaTile_F32Tile:$result);
  let assemblyFormat = [{
    $scores `rows` $first_row `columns` $first_column
    ` ` `(` `T` `=` $queries `,` `S` `=` $keys `,` `L` `=` $depth `)`
    attr-dict `:` type($scores)
  }];
  let hasVerifier = 1;
}

def ModaTile_IfSeenOp : ModaTile_Op<"if_seen", [RecursiveMemoryEffects,
    SingleBlock, NoRegionArguments,
    DeclareOpInterfaceMethods<InferTypeOpInterface>]> {
  let summary = "a step on a masked tile that rows seeing none of it may skip";
  let description = [{
    The part of a step on a tile of `columns` keys or flattened depth
    entries from `first_column` on that the block's folded query rows
    (`first_row + r`, position `(first_row + r) / group`) compute with it:
    its products, its mask and its softmax update. The body reads `carried`
    (the rows' state: per-row values `tensor<M>` and row tiles `tensor<MxN>`
    of the block's M rows) and yields their next values, the results.

    The body masks its scores with the op's rule (a `moda_tile.mask` with
    the same rows, columns, group and `visibility`), so for a row that
    sees none of the tile's columns it yields that row's carried values
    unchanged (all its scores are -inf: its max, sum and accumulator stay
    as they are). A lowering may therefore run the body for every row (the
    host inlines it) or skip it for a group of rows that sees none of the
    tile, tested with the rule's visible ranges (whose bounds never
    decrease with the position): the GPU lowering skips it per group of
    threads that run a product together (a warpgroup with wgmma, a warp
    with mma_sync, a thread with fma). That is the depth span of a block
    whose rows are many positions, where each position sees only its own L
    entries: a warpgroup computes only the depth tiles its own rows see.

    ```mlir
    %m1, %l1, %acc1 = moda_tile.if_seen rows %r0 columns %c0
        (T = %T, S = %S, L = %L) carrying %m0, %l0, %acc0
        {columns = 64 : i64, group = 8 : i64,
         visibility = #moda_tile.visibility<part = depth>}
        : tensor<128xf32>, tensor<128xf32>, tensor<128x64xf32> {
      %s = moda_tile.dot %q, %dk, %zero {transpose_rhs} : ...
      %masked = moda_tile.mask %s rows %r0 columns %c0 (T = %T, S = %S, L = %L)
          {group = 8 : i64, visibility = #moda_tile.visibility<part = depth>}
          : tensor<128x64xf32>
      ...
      moda_tile.yield %max, %sum, %acc : ...
    }
    ```
  }];
  let arguments = (ins Index:$first_row, Index:$first_column, Index:$queries,
                       Index:$keys, Index:$depth,
                       Variadic<ModaTile_F32Tile>:$carried,
                       ConfinedAttr<I64Attr, [IntPositive]>:$columns,
                       ConfinedAttr<I64Attr, [IntPositive]>:$group,
                       ModaTile_VisibilityAttr:$visibility);
  let results = (outs Variadic<ModaTile_F32Tile>:$results);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `rows` $first_row `columns` $first_column
    ` ` `(` `T` `=` $queries `,` `S` `=` $keys `,` `L` `=` $depth `)`
    `carrying` $carried attr-dict `:` type($carried) $body
  }];
  // Its own operands and its body's terminator first; the rules that ask
  // its body's ops (the copies, the mask's fields) once those are verified
  // themselves.
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
}

def ModaTile_YieldOp : ModaTile_Op<"yield", [Pure, Terminator,
    HasParent<"IfSeenOp">]> {
  let summary = "the next values of a moda_tile.if_seen's carried state";
  let arguments = (ins Variadic<ModaTile_F32Tile>:$values);
  let assemblyFormat = "$values attr-dict `:` type($values)";
}

def ModaTile_SoftmaxUpdateOp : ModaTile_Op<"softmax_update", [Pure,
    AllTypesMatch<["scores", "probs"]>,
    AllTypesMatch<["max", "sum", "new_max", "rescale", "new_sum"]>]> {
  let summary = "one online-softmax step over a tile of scores";
  let description = [{
    With per-row running maximum `max` and sum `sum` (in score units) and
    `c = exp2_scale` (the softmax scale times log2(e)):
    `new_max = max(max, rowmax(scores))`,
    `probs = exp2((scores - new_max) * c)`,
    `rescale = exp2((max - new_max) * c)` (the factor for the running
    accumulator) and `new_sum = sum * rescale + rowsum(probs)`. A row whose
    scores are all -inf so far keeps `new_max = -inf` and gets zeros, never
    NaN.
    The probabilities are computed as `exp2(fma(x, c, -new_max * c))`, one
    fused multiply-add per element; the rescale as
    `exp2(max * c - new_max * c)`, exactly 1 where the max did not change.
    A GPU lowering may carry `sum` as each thread's share of its row and
    combine the shares in `moda_tile.finalize` (the update is linear in
    `sum`): a program starts every row's sum at 0.

    ```mlir
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %s, %max0, %sum0
        {exp2_scale = 0.180336878 : f32}
        : tensor<64x32xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$scores, ModaTile_F32Tile:$max,
                       ModaTile_F32Tile:$sum, F32Attr:$exp2_scale);
  let results = (outs ModaTile_F32Tile:$new_max, ModaTile_F32Tile:$probs,
                      ModaTile_F32Tile:$rescale, ModaTile_F32Tile:$new_sum);
  let assemblyFormat = [{
    $scores `,` $max `,` $sum attr-dict `:` type($scores) `,` type($max)
  }];
  let hasVerifier = 1;
}

def ModaTile_ScaleRowsOp : ModaTile_Op<"scale_rows", [Pure,
    AllTypesMatch<["tile", "result"]>]> {
  let summary = "multiplies each row of a tile by its own factor";
  let description = [{
    ```mlir
    %acc1 = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$tile, ModaTile_F32Tile:$factors);
  let results = (outs ModaTile_F32Tile:$result);
  let assemblyFormat = "$tile `,` $factors attr-dict `:` type($tile) `,` type($factors)";
  let hasVerifier = 1;
}

def ModaTile_MergePartialOp : ModaTile_Op<"merge_partial", [Pure,
    AllTypesMatch<["partial_lse", "max", "sum", "new_max", "new_sum"]>,
    AllTypesMatch<["partial", "acc", "new_acc"]>]> {
  let summary = "folds a partial result into a merge by its log-sum-exp";
  let description = [{
    Split-KV: the blocks that share a block of query rows each leave a
    result normalized over their share of the keys (`partial`) and its
    natural-log log-sum-exp (`partial_lse`). The merge keeps, per row, the
    running maximum `max` and sum `sum` of those log-sum-exps (natural-log
    units) and the unnormalized accumulator `acc`:
    `new_max = max(max, partial_lse)`, `r = exp(max - new_max)`,
    `w = exp(partial_lse - new_max)`, `new_sum = sum * r + w` and
    `new_acc = acc * r + w * partial`. A share that saw no key
    (`partial_lse = -inf`) adds nothing, and a row with no share so far
    keeps `new_max = -inf`, never NaN. `moda_tile.finalize` with
    `exp2_scale = log2(e)` then gives `out = acc / sum` and
    `lse = max + ln(sum)`: the softmax over all the keys. Like
    `moda_tile.softmax_update`, a GPU lowering may carry `sum` as shares of
    the threads that hold a row (the merge adds `w` to one of them).

    ```mlir
    %max1, %sum1, %acc1 = moda_tile.merge_partial %part, %part_lse, %max0,
        %sum0, %acc0 : tensor<64x64xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$partial, ModaTile_F32Tile:$partial_lse,
                       ModaTile_F32Tile:$max, ModaTile_F32Tile:$sum,
                       ModaTile_F32Tile:$acc);
  let results = (outs ModaTile_F32Tile:$new_max, ModaTile_F32Tile:$new_sum,
                      ModaTile_F32Tile:$new_acc);
  let assemblyFormat = [{
    $partial `,` $partial_lse `,` $max `,` $sum `,` $acc attr-dict `:`
    type($partial) `,` type($partial_lse)
  }];
  let hasVerifier = 1;
}

def ModaTile_FinalizeOp : ModaTile_Op<"finalize", [Pure,
    AllTypesMatch<["max", "sum", "lse"]>]> {
  let summary = "normalizes the accumulator and computes the log-sum-exp";
  let description = [{
    `out = acc / sum` in the output's element type and
    `lse = max * exp2_scale * ln(2) + ln(sum)` (the natural-log log-sum-exp
    of the scaled logits); a row that saw nothing (`sum = 0`) gets `out = 0`
    and `lse = -inf`.

    ```mlir
    %o, %lse = moda_tile.finalize %acc, %max, %sum {exp2_scale = 0.18 : f32}
        : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$acc, ModaTile_F32Tile:$max,
                       ModaTile_F32Tile:$sum, F32Attr:$exp2_scale);
  let results = (outs ModaTile_FloatTile:$out, ModaTile_F32Tile:$lse);
  let assemblyFormat = [{
    $acc `,` $max `,` $sum attr-dict `:` type($acc) `,` type($max) `->`
    type($out)
  }];
  let hasVerifier = 1;
}

def ModaTile_SoftmaxProbsOp : ModaTile_Op<"softmax_probs", [Pure,
    AllTypesMatch<["scores", "probs"]>]> {
  let summary = "the probabilities of a tile of scores, from the log-sum-exp";
  let description = [{
    `probs = exp2(scores * exp2_scale - lse * log2(e))`: the softmax the
    forward computed, recomputed from its natural-log `lse` (of the scaled
    logits) for the backward. `lse` is `tensor<M>` (one per row of the
    `MxN` scores) or `tensor<1xN>` (one per column, for transposed scores).
    A row or column whose `lse` is -inf saw nothing and gets zeros.

    ```mlir
    %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.18 : f32}
        : tensor<64x32xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$scores, ModaTile_F32Tile:$lse,
                       F32Attr:$exp2_scale);
  let results = (outs ModaTile_F32Tile:$probs);
  let assemblyFormat = [{
    $scores `,` $lse attr-dict `:` type($scores) `,` type($lse)
  }];
  let hasVerifier = 1;
}

def ModaTile_SoftmaxGradOp : ModaTile_Op<"softmax_grad", [Pure,
    AllTypesMatch<["probs", "dprobs", "result"]>]> {
  let summary = "the gradient of the scores through the softmax";
  let description = [{
    `result = probs * (dprobs - delta) * scale`: the gradient of the
    logits' scores, with `dprobs` the gradient of the probabilities
    (`d_out * v^T`), `delta` the row's `rowsum(d_out * out)` and `scale` the
    softmax scale (so that the products with keys and queries give the
    gradients of q and k directly). `delta` has the shapes `lse` has in
    `moda_tile.softmax_probs`.

    ```mlir
    %ds = moda_tile.softmax_grad %p, %dp, %delta {scale = 0.125 : f32}
        : tensor<64x32xf32>, tensor<64xf32>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$probs, ModaTile_F32Tile:$dprobs,
                       ModaTile_F32Tile:$delta, F32Attr:$scale);
  let results = (outs ModaTile_F32Tile:$result);
  let assemblyFormat = [{
    $probs `,` $dprobs `,` $delta attr-dict `:` type($probs) `,` type($delta)
  }];
  let hasVerifier = 1;
}

def ModaTile_RowDotOp : ModaTile_Op<"row_dot", [Pure,
    AllTypesMatch<["lhs", "rhs"]>]> {
  let summary = "the dot product of each row of two tiles, in f32";
  let description = [{
    `result[i] = sum_j lhs[i, j] * rhs[i, j]`, products and sum in f32: the
    backward's `delta = rowsum(d_out * out)`.

    ```mlir
    %delta = moda_tile.row_dot %do, %o : tensor<64x64xbf16> -> tensor<64xf32>
    ```
  }];
  let arguments = (ins ModaTile_FloatTile:$lhs, ModaTile_FloatTile:$rhs);
  let results = (outs ModaTile_F32Tile:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs attr-dict `:` type($lhs) `->` type($result)
  }];
  let hasVerifier = 1;
}

def ModaTile_ConvertOp : ModaTile_Op<"convert", [Pure]> {
  let summary = "rounds an f32 tile to the tensors' element type";
  let description = [{
    Each element rounded to nearest (even) in the result's element type:
    a gradient accumulated in f32, on its way to its tensor.

    ```mlir
    %dq = moda_tile.convert %acc : tensor<64x64xf32> -> tensor<64x64xbf16>
    ```
  }];
  let arguments = (ins ModaTile_F32Tile:$tile);
  let results = (outs ModaTile_FloatTile:$result);
  let assemblyFormat = "$tile attr-dict `:` type($tile) `->` type($result)";
  let hasVerifier = 1;
}

def ModaTile_LaunchOp : ModaTile_Op<"launch",
    [DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "runs a tile program over a grid of blocks";
  let description = [{
    Runs the tile program `program` once per block of the grid
    `(grid_x, grid_y, grid_z)`, each block with the same `arguments`; blocks
    are independent. The target lowering turns it into a kernel launch (GPU)
    or a loop over the grid (host).

    ```mlir
    moda_tile.launch @moda_attention_0 grid(%gx, %gy, %gz)
        (%q, %k, %v, %out, %lse, %B, %T, %S, %L)
        : memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xbf16>,
          memref<?xf32>, index, index, index, index
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$program, Index:$grid_x,
                       Index:$grid_y, Index:$grid_z,
                       Variadic<AnyType>:$arguments);
  let assemblyFormat = [{
    $program `grid` `(` $grid_x `,` $grid_y `,` $grid_z `)`
    `(` $arguments `)` attr-dict `:` type($arguments)
  }];
}

#endif // MODA_DIALECT_MODATILE_IR_MODATILEOPS_TD
