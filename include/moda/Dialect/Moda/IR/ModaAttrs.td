//===- ModaAttrs.td - moda attributes and enums ------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODA_IR_MODAATTRS_TD
#define MODA_DIALECT_MODA_IR_MODAATTRS_TD

include "moda/Dialect/Moda/IR/ModaDialect.td"
include "mlir/IR/AttrTypeBase.td"
include "mlir/IR/EnumAttr.td"

def Moda_DepthVisibility : I32EnumAttr<"DepthVisibility",
    "which depth entries a query row sees", [
      I32EnumAttrCase<"PerPosition", 0, "per_position">,
      I32EnumAttrCase<"Chunk", 1, "chunk">,
      I32EnumAttrCase<"DepthOnly", 2, "depth_only">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda";
}

def Moda_DepthVisibilityAttr
    : EnumAttr<Moda_Dialect, Moda_DepthVisibility, "visibility"> {
  let summary = "depth visibility of a MoDA operator";
  let description = [{
    * `per_position`: row `t` sees the `L` depth entries of its own position
      together with the sequence keys (the default);
    * `chunk`: row `t` sees the depth entries of every position from the start
      of its chunk `floor(t / C) * C` up to `t` (needs `chunk_size = C`);
    * `depth_only`: no sequence part; the softmax runs over the row's own
      depth entries alone.
  }];
  let assemblyFormat = "`<` $value `>`";
}

def Moda_MmaKind : I32EnumAttr<"MmaKind",
    "the matrix instruction family a kernel uses", [
      I32EnumAttrCase<"Fma", 0, "fma">,
      I32EnumAttrCase<"MmaSync", 1, "mma_sync">,
      I32EnumAttrCase<"Wgmma", 2, "wgmma">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda";
}

def Moda_KernelConfigAttr : AttrDef<Moda_Dialect, "KernelConfig"> {
  let mnemonic = "config";
  let summary = "tile sizes and launch shape of one generated attention kernel";
  let description = [{
    Attached to `moda.attention` / `moda.attention_grad` by the
    configuration-selection pass and read by the lowering:

    * `block_m`: query rows per thread block, in the folded row order
      `i = t * G + g` (so a block covers `block_m / G` positions);
    * `block_n`: sequence keys per inner-loop tile;
    * `block_depth`: depth entries per inner-loop tile;
    * `num_warps`, `num_stages`: warps per block and depth of the
      global-to-shared pipeline;
    * `mma`: the matrix instruction family (`fma`, `mma_sync`, `wgmma`);
    * `target`: the GPU architecture, e.g. `"sm_90a"`.

    `block_m`, `block_n` and `block_depth` lie in [1, 4096], `num_warps` is a
    power of two in [1, 32], `num_stages` lies in [1, 8].

    Example: `#moda.config<block_m = 128, block_n = 64, block_depth = 64,
    num_warps = 4, num_stages = 2, mma = mma_sync, target = "sm_90a">`
  }];
  let parameters = (ins
    "int64_t":$block_m,
    "int64_t":$block_n,
    "int64_t":$block_depth,
    "int64_t":$num_warps,
    "int64_t":$num_stages,
    EnumParameter<Moda_MmaKind>:$mma,
    StringRefParameter<"GPU architecture, e.g. sm_90a">:$target
  );
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

#endif // MODA_DIALECT_MODA_IR_MODAATTRS_TD
