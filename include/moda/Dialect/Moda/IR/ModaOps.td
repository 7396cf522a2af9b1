//===- ModaOps.td - moda operations ------------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODA_IR_MODAOPS_TD
#define MODA_DIALECT_MODA_IR_MODAOPS_TD

include "moda/Dialect/Moda/IR/ModaDialect.td"
include "moda/Dialect/Moda/IR/ModaAttrs.td"
include "moda/Dialect/Moda/IR/ModaTypes.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/IR/OpBase.td"

// The attributes the forward and the backward operator share: both describe
// the same softmax.
defvar Moda_AttentionAttrs = (ins
  UnitAttr:$causal,
  OptionalAttr<F32Attr>:$scale,
  DefaultValuedAttr<Moda_DepthVisibilityAttr,
                    "::mlir::moda::DepthVisibility::PerPosition">:$visibility,
  OptionalAttr<I64Attr>:$chunk_size,
  OptionalAttr<Moda_KernelConfigAttr>:$config,
  UnitAttr:$strided
);


// Shape queries both MoDA operators answer the same way.
defvar Moda_AttentionShapeQueries = [{
  /// Query heads Hq (dimension 2 of `q`).
  int64_t getNumQueryHeads();
  /// Key/value heads Hk (from `k`, or from `depth_k` for depth-only).
  int64_t getNumKVHeads();
  /// The group size G = Hq / Hk.
  int64_t getGroupSize() { return getNumQueryHeads() / getNumKVHeads(); }
  /// The head dimension D.
  int64_t getHeadDim();
  /// The tensors hold packed sequences (no batch dimension; see
  /// moda.attention's `packed`).
  bool isPacked();
  /// Depth entries per position L: 0 without depth operands,
  /// ShapedType::kDynamic when not static.
  int64_t getDepthSize();
}];

def Moda_AttentionOp : Moda_Op<"attention",
    [Pure, AttrSizedOperandSegments]> {
  let summary = "Mixture-of-Depths Attention, forward";
  let description = [{
    For every batch `b`, query position `t` and query head `hq` (of the key/value
    head `h = hq / G`, `G = Hq / Hk`), one softmax runs over the concatenation
    of the visible sequence logits `scale * <q[t], k[s]>` and the depth logits
    `scale * <q[t], depth_k[t, l]>`, and `out[t]` is the matching weighted sum
    of `v[s]` and `depth_v[t, l]`. `lse[b, hq, t]` is the natural-log
    log-sum-exp of all logits of the row (f32).

    * `causal`: key `s` is visible to row `t` iff `s <= t + (S - T)`
      (bottom-right aligned). A row that sees nothing yields `out = 0` and
      `lse = -inf`.
    * `scale`: defaults to `1 / sqrt(D)`.
    * `visibility`: `per_position` (default), `chunk` (with `chunk_size`) or
      `depth_only` (then `k`/`v` are absent).
    * `config`: the kernel configuration, attached by
      `moda-select-kernel-config`.
    * `strided`: the compiled kernels take `q`, `k`, `v`, `depth_k`,
      `depth_v` and `out` as views, their strides kernel arguments (q, k, v
      sliced out of one fused projection, depth the first L slots of a
      stream buffer, out written into a wider tensor); without it every
      tensor is contiguous and the strides are constants of the kernels.

    Shapes: `q: [B, T, Hq, D]`, `k, v: [B, S, Hk, D]`,
    `depth_k, depth_v: [B, T, L, Hk, D]`, `out: [B, T, Hq, D]`,
    `lse: [B, Hq, T] f32`. Element types: bf16, f16 or f32, the same for all
    inputs and `out`. `B`, `T`, `S`, `L` may be dynamic; `Hq`, `Hk`, `D` are
    static.

    `packed(%cu_seqlens, %max_seqlen : tensor<?xi32>)`: packed sequences
    (FlashAttention's `cu_seqlens`). The tensors hold the N tokens of
    n sequences back to back, without a batch dimension: `q, out: [N, Hq,
    D]`, `k, v: [N, Hk, D]`, `depth_k, depth_v: [N, L, Hk, D]`, `lse: [Hq,
    N]`. Sequence `i` is tokens `[cu_seqlens[i], cu_seqlens[i + 1])`
    (`cu_seqlens: [n + 1] i32`, non-decreasing, from 0 to N; a sequence may
    be empty), and every rule above holds inside each sequence: positions,
    the causal diagonal and chunk starts restart at its first token, no
    token sees another sequence's keys or depth entries. `max_seqlen` sizes
    the grid (a block per `block_m` rows of the longest sequence); a
    smaller value costs speed, never correctness (a block then takes
    several query blocks of its sequence). `moda.attention_grad` takes the
    same form.

    `paged(%block_table, %num_keys : tensor<BxWxi32>)`: the sequence keys
    and values live in a paged KV cache (FlashAttention's `block_table`,
    vLLM's pages): `k, v: [P, page_size, Hk, D]` are a pool of P pages of
    `page_size` keys (static), and key `s` of batch entry `b` is row
    `s mod page_size` of page `block_table[b, s / page_size]`
    (`block_table: [B, W] i32`, W pages per batch entry, `W * page_size`
    at least S). `num_keys` is S, the keys each batch entry has cached
    (the same for every entry); every rule above holds for the logical
    keys `[0, S)`. A page id outside `[0, P)` reads page 0 or P - 1, never
    memory outside the pool. Forward only, with sequence keys, per-position
    visibility, not packed; a configuration's `block_n` must divide
    `page_size` (a key tile then never straddles two pages).

    Example:
    ```mlir
    %out, %lse = moda.attention q(%q : tensor<2x100x8x64xbf16>)
        kv(%k, %v : tensor<2x100x2x64xbf16>, tensor<2x100x2x64xbf16>)
        depth(%dk, %dv : tensor<2x100x3x2x64xbf16>, tensor<2x100x3x2x64xbf16>)
        {causal} -> tensor<2x100x8x64xbf16>, tensor<2x8x100xf32>
    ```

    Packed:
    ```mlir
    %out, %lse = moda.attention q(%q : tensor<300x8x64xbf16>)
        kv(%k, %v : tensor<300x2x64xbf16>, tensor<300x2x64xbf16>)
        packed(%cu, %max : tensor<4xi32>) {causal}
        -> tensor<300x8x64xbf16>, tensor<8x300xf32>
    ```

    Paged (decoding: 2 new tokens against S cached keys in pages of 64):
    ```mlir
    %out, %lse = moda.attention q(%q : tensor<4x2x8x64xbf16>)
        kv(%k, %v : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>)
        depth(%dk, %dv : tensor<4x2x?x2x64xbf16>, tensor<4x2x?x2x64xbf16>)
        paged(%table, %S : tensor<4x32xi32>) {causal}
        -> tensor<4x2x8x64xbf16>, tensor<4x8x2xf32>
    ```
  }];
  let arguments = !con((ins
    AnyRankedTensor:$q,
    Optional<AnyRankedTensor>:$k,
    Optional<AnyRankedTensor>:$v,
    Optional<AnyRankedTensor>:$depth_k,
    Optional<AnyRankedTensor>:$depth_v,
    Optional<AnyRankedTensor>:$cu_seqlens,
    Optional<Index>:$max_seqlen,
    Optional<AnyRankedTensor>:$block_table,
    Optional<Index>:$num_keys
  ), Moda_AttentionAttrs);
  let results = (outs AnyRankedTensor:$out, AnyRankedTensor:$lse);
  let assemblyFormat = [{
    `q` `(` $q `:` type($q) `)`
    (`kv` `(` $k^ `,` $v `:` type($k) `,` type($v) `)`)?
    (`depth` `(` $depth_k^ `,` $depth_v `:` type($depth_k) `,` type($depth_v) `)`)?
    (`packed` `(` $cu_seqlens^ `,` $max_seqlen `:` type($cu_seqlens) `)`)?
    (`paged` `(` $block_table^ `,` $num_keys `:` type($block_table) `)`)?
    attr-dict `->` type($out) `,` type($lse)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = Moda_AttentionShapeQueries # [{
    /// The sequence keys and values live in pages (see `paged`).
    bool isPaged() { return bool(getBlockTable()); }
    /// The keys of a page of a paged operator (dimension 1 of `k`).
    int64_t getPageSize();
    /// The sequence keys S per batch entry: dimension 1 of `k`, or, paged,
    /// `num_keys` where it is a constant; 0 without sequence keys,
    /// ShapedType::kDynamic when not static.
    int64_t getNumSequenceKeys();
  }];
}

def Moda_AttentionGradOp : Moda_Op<"attention_grad",
    [Pure, AttrSizedOperandSegments, AttrSizedResultSegments]> {
  let summary = "Mixture-of-Depths Attention, backward";
  let description = [{
    The gradients of `moda.attention` with the same operands and attributes,
    given the forward's `out` and `lse` and the output gradient `d_out`. With
    `P` the softmax and `Delta[t] = <d_out[t], out[t]>`:
    `dS = P * (<d_out, v> - Delta)` over both the sequence and the depth part;
    `dq = scale * (dS_seq k + dS_depth depth_k)`; `dk = scale * dS^T q`;
    `dv = P^T d_out`; `d_depth_k[t, l] = scale * sum_g dS[t, g, l] q[t, g]`;
    `d_depth_v[t, l] = sum_g P[t, g, l] d_out[t, g]`.

    A result is present exactly when the operand it differentiates is:
    `dk`/`dv` with `kv(...)`, `d_depth_k`/`d_depth_v` with `depth(...)`.
    Each gradient has the type of its operand. `strided`, as on
    `moda.attention`: the kernels take every tensor but `lse` (the inputs,
    `out`, `d_out` and the gradients) as views, compiled by the tile
    programs. `packed`, as on `moda.attention`: packed sequences, every
    tensor token-major without a batch dimension (`d_out` and the gradients
    as what they differentiate, `lse` as `[Hq, N]`).

    Example:
    ```mlir
    %dq, %dk, %dv, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x64x4x64xf16>)
        kv(%k, %v : tensor<1x64x2x64xf16>, tensor<1x64x2x64xf16>)
        depth(%dk, %dv : tensor<1x64x3x2x64xf16>, tensor<1x64x3x2x64xf16>)
        out(%o, %lse : tensor<1x64x4x64xf16>, tensor<1x4x64xf32>)
        d_out(%do : tensor<1x64x4x64xf16>) {causal}
        -> dq(tensor<1x64x4x64xf16>)
           dkv(tensor<1x64x2x64xf16>, tensor<1x64x2x64xf16>)
           d_depth(tensor<1x64x3x2x64xf16>, tensor<1x64x3x2x64xf16>)
    ```
  }];
  let arguments = !con((ins
    AnyRankedTensor:$q,
    Optional<AnyRankedTensor>:$k,
    Optional<AnyRankedTensor>:$v,
    Optional<AnyRankedTensor>:$depth_k,
    Optional<AnyRankedTensor>:$depth_v,
    AnyRankedTensor:$out,
    AnyRankedTensor:$lse,
    AnyRankedTensor:$d_out,
    Optional<AnyRankedTensor>:$cu_seqlens,
    Optional<Index>:$max_seqlen
  ), Moda_AttentionAttrs);
  let results = (outs
    AnyRankedTensor:$dq,
    Optional<AnyRankedTensor>:$dk,
    Optional<AnyRankedTensor>:$dv,
    Optional<AnyRankedTensor>:$d_depth_k,
    Optional<AnyRankedTensor>:$d_depth_v
  );
  let assemblyFormat = [{
    `q` `(` $q `:` type($q) `)`
    (`kv` `(` $k^ `,` $v `:` type($k) `,` type($v) `)`)?
    (`depth` `(` $depth_k^ `,` $depth_v `:` type($depth_k) `,` type($depth_v) `)`)?
    `out` `(` $out `,` $lse `:` type($out) `,` type($lse) `)`
    `d_out` `(` $d_out `:` type($d_out) `)`
    (`packed` `(` $cu_seqlens^ `,` $max_seqlen `:` type($cu_seqlens) `)`)?
    attr-dict
    `->` `dq` `(` type($dq) `)`
    (`dkv` `(` type($dk)^ `,` type($dv) `)`)?
    (`d_depth` `(` type($d_depth_k)^ `,` type($d_depth_v) `)`)?
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = Moda_AttentionShapeQueries;
}

def Moda_StreamEmptyOp : Moda_Op<"stream.empty", [Pure]> {
  let summary = "a new, empty depth stream";
  let description = [{
    Creates a depth stream of size 0 with the capacity of its type. The type
    says `size = 0`, or `size = ?` for a stream whose size a loop over layers
    changes. One index operand is given per dynamic (`?`) dimension of the
    entry shape, in order.

    ```mlir
    %s = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x64xbf16, size = 0, capacity = 8>
    ```
  }];
  let arguments = (ins Variadic<Index>:$dynamic_sizes);
  let results = (outs Moda_DepthStreamType:$stream);
  let assemblyFormat = "(`(` $dynamic_sizes^ `)`)? attr-dict `:` type($stream)";
  let hasVerifier = 1;
}

def Moda_StreamAppendOp : Moda_Op<"stream.append", [Pure]> {
  let summary = "append one depth entry (a key and a value) to a stream";
  let description = [{
    Returns the stream with one more entry: `k` and `v` (each `[B, T, Hk, D]`)
    become depth entry number `size` of every position. The result's size is
    the operand's plus one; appending to a full stream is an error.

    ```mlir
    %s1 = moda.stream.append %s0, %k, %v
        : !moda.depth_stream<1x128x2x64xbf16, size = 0, capacity = 8>,
          tensor<1x128x2x64xbf16>, tensor<1x128x2x64xbf16>
        -> !moda.depth_stream<1x128x2x64xbf16, size = 1, capacity = 8>
    ```
  }];
  let arguments = (ins Moda_DepthStreamType:$stream, AnyRankedTensor:$k,
                       AnyRankedTensor:$v);
  let results = (outs Moda_DepthStreamType:$result);
  let assemblyFormat = [{
    $stream `,` $k `,` $v attr-dict `:` type($stream) `,` type($k) `,` type($v)
    `->` type($result)
  }];
  let hasVerifier = 1;
}

def Moda_StreamEntriesOp : Moda_Op<"stream.entries", [Pure]> {
  let summary = "the entries a depth stream holds, as depth keys and values";
  let description = [{
    Reads the stream's current entries as `depth_k, depth_v : [B, T, size,
    Hk, D]`, the operands a `moda.attention` takes.

    ```mlir
    %dk, %dv = moda.stream.entries %s
        : !moda.depth_stream<1x128x2x64xbf16, size = 2, capacity = 8>
        -> tensor<1x128x2x2x64xbf16>, tensor<1x128x2x2x64xbf16>
    ```
  }];
  let arguments = (ins Moda_DepthStreamType:$stream);
  let results = (outs AnyRankedTensor:$depth_k, AnyRankedTensor:$depth_v);
  let assemblyFormat = [{
    $stream attr-dict `:` type($stream) `->` type($depth_k) `,` type($depth_v)
  }];
  let hasVerifier = 1;
  let hasCanonicalizer = 1;
}

#endif // MODA_DIALECT_MODA_IR_MODAOPS_TD
