//===- ModaTileAttrs.td - moda_tile attributes and enums ---*- tablegen -*-===//

#ifndef MODA_DIALECT_MODATILE_IR_MODATILEATTRS_TD
#define MODA_DIALECT_MODATILE_IR_MODATILEATTRS_TD

include "moda/Dialect/ModaTile/IR/ModaTileDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def ModaTile_ProgramAxis : I32EnumAttr<"ProgramAxis",
    "an axis of the grid of blocks", [
      I32EnumAttrCase<"X", 0, "x">,
      I32EnumAttrCase<"Y", 1, "y">,
      I32EnumAttrCase<"Z", 2, "z">
    ]> {
  let cppNamespace = "::mlir::moda::tile";
}

def ModaTile_RowKind : I32EnumAttr<"RowKind",
    "the tensor whose rows a tile covers", [
      I32EnumAttrCase<"Query", 0, "query">,
      I32EnumAttrCase<"Key", 1, "key">,
      I32EnumAttrCase<"Depth", 2, "depth">,
      I32EnumAttrCase<"Lse", 3, "lse">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda::tile";
}

def ModaTile_VisiblePart : I32EnumAttr<"VisiblePart",
    "the part of a row's softmax a visibility rule describes", [
      I32EnumAttrCase<"Sequence", 0, "sequence">,
      I32EnumAttrCase<"Depth", 1, "depth">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda::tile";
}

def ModaTile_RowsAttr : AttrDef<ModaTile_Dialect, "Rows"> {
  let mnemonic = "rows";
  let summary = "how the rows of a tile are laid out in a flat tensor";
  let description = [{
    Row `r` of a tile that starts at row `first` of batch entry `batch` and
    key/value head `head` is, in the flat buffer of the tensor:

    * `query`: folded row `i = first + r` of `q`/`out` (`[B, T, Hq, D]`):
      position `i / group`, query head `head * group + i mod group`;
    * `key`: sequence key `first + r` of `k`/`v` (`[B, S, Hk, D]`);
    * `depth`: flattened depth entry `e = t * L + l` of `depth_k`/`depth_v`
      (`[B, T, L, Hk, D]`): the `L` entries of consecutive positions are
      consecutive;
    * `lse`: folded row `i` of `lse` (`[B, Hq, T]`), one element per row.

    `heads` is the head count of that tensor (`Hq` for query and lse, `Hk`
    for key and depth) and `group` the query heads per key/value head (1
    for key and depth).

    Example: `#moda_tile.rows<kind = query, heads = 8, group = 4>`
  }];
  let parameters = (ins
    EnumParameter<ModaTile_RowKind>:$kind,
    "int64_t":$heads,
    DefaultValuedParameter<"int64_t", "1">:$group
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def ModaTile_VisibilityAttr : AttrDef<ModaTile_Dialect, "Visibility"> {
  let mnemonic = "visibility";
  let summary = "which sequence keys or depth entries a query position sees";
  let description = [{
    The one description of MoDA's visibility rule (`docs/semantics.md`).
    For query position `t` of `T`, with `S` sequence keys and `L` depth
    entries per position, the visible range `[begin, end)` is

    * `sequence`, `causal`: keys `[0, clamp(t + S - T + 1, 0, S))`
      (bottom-right aligned);
    * `sequence`, not causal: keys `[0, S)`;
    * `depth`, `per_position` or `depth_only`: flattened entries
      `[t * L, (t + 1) * L)`;
    * `depth`, `chunk`: entries `[floor(t / C) * C * L, (t + 1) * L)` with
      `C = chunk_size`.

    Examples: `#moda_tile.visibility<part = sequence, causal = true>`,
    `#moda_tile.visibility<part = depth, depth = chunk, chunk_size = 64>`
  }];
  let parameters = (ins
    EnumParameter<ModaTile_VisiblePart>:$part,
    DefaultValuedParameter<"bool", "false">:$causal,
    // The moda dialect's enum (its parser and printer come with it).
    DefaultValuedParameter<"::mlir::moda::DepthVisibility",
                           "::mlir::moda::DepthVisibility::PerPosition">:$depth,
    DefaultValuedParameter<"int64_t", "0">:$chunk_size
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def ModaTile_CopyKind : I32EnumAttr<"CopyKind",
    "how a tile travels from global memory", [
      I32EnumAttrCase<"Vector", 0, "vector">,
      I32EnumAttrCase<"CpAsync", 1, "cp_async">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda::tile";
}

def ModaTile_LayoutAttr : AttrDef<ModaTile_Dialect, "Layout"> {
  let mnemonic = "layout";
  let summary = "the threads and instructions a tile product runs on";
  let description = [{
    Chosen by `moda-tile-assign-layouts` from the kernel's `#moda.config`:
    `fma` (SIMT: one query row per thread, scalar FMAs), `mma_sync` (each
    warp owns 16 or 32 rows, `mma.sync` m16n8k16) or `wgmma` (each
    warpgroup of four warps owns 64 rows, `wgmma.mma_async`), over
    `num_warps` warps. The host runs every layout the same way.

    Example: `#moda_tile.layout<kind = wgmma, num_warps = 4>`
  }];
  let parameters = (ins
    // The moda dialect's enum (its parser and printer come with it).
    "::mlir::moda::MmaKind":$kind,
    "int64_t":$num_warps
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

def ModaTile_CopyAttr : AttrDef<ModaTile_Dialect, "Copy"> {
  let mnemonic = "copy";
  let summary = "how a loaded tile is brought in";
  let description = [{
    Chosen by `moda-tile-assign-layouts`: `vector` (16-byte loads by the
    block's threads, one buffer) or `cp_async` (asynchronous 16-byte copies
    into `stages` shared buffers, so that the next tiles load while this
    one is computed on).

    Example: `#moda_tile.copy<kind = cp_async, stages = 2>`
  }];
  let parameters = (ins
    EnumParameter<ModaTile_CopyKind>:$kind,
    DefaultValuedParameter<"int64_t", "1">:$stages
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // MODA_DIALECT_MODATILE_IR_MODATILEATTRS_TD
