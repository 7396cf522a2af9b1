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
    * `target`: the GPU architecture, e.g. `"sm_90a"`;
    * `kv_splits` (default 1, not printed): the blocks that share one block
      of query rows' sequence keys, each softmax over a contiguous share of
      the key tiles, their partial results merged by their log-sum-exp
      (split-KV, for decoding: a few query rows against a long cache leave
      most of the GPU idle otherwise). The forward only.

    `block_m`, `block_n` and `block_depth` lie in [1, 4096], `num_warps` is a
    power of two in [1, 32], `num_stages` lies in [1, 8], `kv_splits` in
    [1, 256].

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
    StringRefParameter<"GPU architecture, e.g. sm_90a">:$target,
    DefaultValuedParameter<"int64_t", "1">:$kv_splits
  );
  let builders = [
    // A configuration without split-KV.
    AttrBuilder<(ins "int64_t":$block_m, "int64_t":$block_n,
                     "int64_t":$block_depth, "int64_t":$num_warps,
                     "int64_t":$num_stages, "::mlir::moda::MmaKind":$mma,
                     "::llvm::StringRef":$target), [{
      return $_get($_ctxt, block_m, block_n, block_depth, num_warps,
                   num_stages, mma, target, /*kv_splits=*/1);
    }]>
  ];
  let assemblyFormat = "`<` struct(params) `>`";
  let genVerifyDecl = 1;
}

//===----------------------------------------------------------------------===//
// The kernel ABI: what a compiled operator's launcher and its manifest agree on
//===----------------------------------------------------------------------===//

def Moda_SizeSymbol : I32EnumAttr<"SizeSymbol",
    "a runtime size of the kernel ABI", [
      I32EnumAttrCase<"B", 0>,
      I32EnumAttrCase<"T", 1>,
      I32EnumAttrCase<"S", 2>,
      I32EnumAttrCase<"L", 3>,
      // The tokens of packed sequences (all sequences together); only the
      // ABIs of packed operators have it.
      I32EnumAttrCase<"N", 4>
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda";
}

def Moda_AbiOperator : I32EnumAttr<"AbiOperator",
    "the operator a kernel ABI compiles", [
      I32EnumAttrCase<"Attention", 0, "attention">,
      I32EnumAttrCase<"AttentionGrad", 1, "attention_grad">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda";
}

def Moda_AbiTensorRole : I32EnumAttr<"AbiTensorRole",
    "how the kernels of an ABI use a tensor", [
      I32EnumAttrCase<"Input", 0, "input">,
      I32EnumAttrCase<"Output", 1, "output">,
      I32EnumAttrCase<"Scratch", 2, "scratch">
    ]> {
  let genSpecializedAttr = 0;
  let cppNamespace = "::mlir::moda";
}

class Moda_SizeExprArray<string desc>
    : ArrayRefParameter<"::mlir::moda::SizeExpr", desc>;

def Moda_AbiTensorAttr : AttrDef<Moda_Dialect, "AbiTensor"> {
  let mnemonic = "abi_tensor";
  let summary = "one tensor argument of a kernel ABI";
  let description = [{
    A tensor the kernels of an operator take as a flat buffer: its name, its
    element type, its role (`input`, `output`, or `scratch`: allocated and
    freed by the launcher, listed so that a caller of the kernels can do the
    same) and, per dimension, its extent and its stride in elements.

    Extents and strides are size expressions: products of the runtime sizes
    `B`, `T`, `S`, `L` (and `N`, the tokens of packed sequences) and a
    constant (`T*512`, `64`, `B`). An extent is one size symbol or a
    constant, so that a manifest can name it, or a symbol plus a constant
    (`B+1`: the offsets `cu_seqlens` of B packed sequences, i32); a stride is
    any exact product. A tensor is contiguous row-major, its strides the
    products of the extents after each dimension, or a view whose strides
    are kernel arguments: `?` for every dimension but the innermost, whose
    stride is 1 (the tile programs' forward; the kernels take them after
    the sizes, tensor by tensor, outermost dimension first).

    Example: `#moda.abi_tensor<"q" : bf16, input, shape = [B, T, 8, 64],
    strides = [T*512, 512, 64, 1]>`; a view: `strides = [?, ?, ?, 1]`.
  }];
  let parameters = (ins
    StringRefParameter<"the tensor's name, e.g. \"q\"">:$name,
    "Type":$element_type,
    EnumParameter<Moda_AbiTensorRole>:$role,
    Moda_SizeExprArray<"extent per dimension">:$shape,
    Moda_SizeExprArray<"stride per dimension, in elements">:$strides
  );
  let assemblyFormat = [{
    `<` $name `:` $element_type `,` $role `,` `shape` `=` `[` $shape `]` `,`
    `strides` `=` `[` $strides `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The strides the kernels take as arguments: one per dimension but the
    /// innermost for a view, none for a contiguous tensor.
    int64_t getNumStrideArguments() const {
      return getStrides().empty() || !getStrides().front().isDynamic()
                 ? 0
                 : int64_t(getStrides().size()) - 1;
    }
  }];
}

def Moda_AbiLaunchAttr : AttrDef<Moda_Dialect, "AbiLaunch"> {
  let mnemonic = "abi_launch";
  let summary = "one kernel launch of a kernel ABI";
  let description = [{
    A launch of the kernel function `kernel`: its grid, one size expression
    per dimension (x, y, z) that rounds up (`T*4 ceildiv 128` is
    `ceil(T * 4 / 128)`), its threads per block (a one-dimensional block),
    the dynamic shared memory it is launched with in bytes, and the output
    tensors it writes.

    A grid dimension is a constant or multiplies at most two size symbols, and
    a constant one does not divide: the manifest's grid format
    (docs/artifacts.md) has no other forms.

    Example: `#moda.abi_launch<"moda_attention_0", grid = [T*4 ceildiv 128,
    2, B], threads = 128, dynamic_shared_memory = 0, writes = ["out",
    "lse"]>`
  }];
  let parameters = (ins
    StringRefParameter<"the kernel function's symbol name">:$kernel,
    Moda_SizeExprArray<"blocks per grid dimension x, y, z">:$grid,
    "int64_t":$threads,
    "int64_t":$dynamic_shared_memory,
    OptionalArrayRefParameter<"StringAttr",
                              "the output tensors the launch writes">:$writes
  );
  let assemblyFormat = [{
    `<` $kernel `,` `grid` `=` `[` $grid `]` `,` `threads` `=` $threads `,`
    `dynamic_shared_memory` `=` $dynamic_shared_memory
    (`,` `writes` `=` `[` $writes^ `]`)? `>`
  }];
  let genVerifyDecl = 1;
}

def Moda_KernelAbiAttr : AttrDef<Moda_Dialect, "KernelAbi"> {
  let mnemonic = "kernel_abi";
  let summary = "the interface of a compiled operator's kernels";
  let description = [{
    Everything a caller needs to run the kernels compiled for one
    `moda.attention` or `moda.attention_grad`, and what moda-compile writes
    to the operator's manifest (docs/artifacts.md) without deriving anything
    itself: the operator's fields (`op`, element type, head counts, head
    dimension, causal, visibility, chunk size, scale, configuration), the
    runtime sizes `B`, `T`, `S`, `L`, and `N` for packed sequences (the
    tokens; there `B` counts the sequences) (a value where the operator's types fix
    it, `?` where a call gives it), the tensor arguments in kernel argument
    order (`#moda.abi_tensor`; the sizes follow them as `index` arguments),
    the launches in order (`#moda.abi_launch`; the forward has one).

    The lowerings attach it as `moda.kernel_abi` to the kernel functions they
    build (every kernel of one operator carries the operator's ABI) and to
    the tile program of the staged path; the launchers they build launch the
    grids it gives (AttentionKernelSpec::describe, describeGradKernels).

    Inside the ABI its parts print without their `#moda.config`,
    `#moda.abi_tensor`, `#moda.abi_launch` prefix (the parser takes either).
    Example (shortened): `#moda.kernel_abi<op = attention, element_type =
    bf16, num_query_heads = 8, num_kv_heads = 2, head_dim = 64, causal =
    true, visibility = per_position, chunk_size = 0, scale = 1.250000e-01 :
    f64, config = <block_m = 128, ...>, sizes = [B = ?, T = ?, S = ?, L =
    0], tensors = [<"q" : bf16, input, shape = [B, T, 8, 64], strides =
    [T*512, 512, 64, 1]>, ...], launches = [<"moda_attention_0", grid =
    [T*4 ceildiv 128, 2, B], threads = 256, dynamic_shared_memory = 114688,
    writes = ["out", "lse"]>]>`
  }];
  let parameters = (ins
    EnumParameter<Moda_AbiOperator>:$op,
    "Type":$element_type,
    "int64_t":$num_query_heads,
    "int64_t":$num_kv_heads,
    "int64_t":$head_dim,
    "BoolAttr":$causal,
    EnumParameter<Moda_DepthVisibility>:$visibility,
    "int64_t":$chunk_size,
    "FloatAttr":$scale,
    "KernelConfigAttr":$config,
    ArrayRefParameter<"int64_t", "B, T, S, L; ShapedType::kDynamic where a "
                      "call gives it">:$sizes,
    ArrayRefParameter<"AbiTensorAttr", "in kernel argument order">:$tensors,
    ArrayRefParameter<"AbiLaunchAttr", "in launch order">:$launches
  );
  let assemblyFormat = [{
    `<` struct($op, $element_type, $num_query_heads, $num_kv_heads, $head_dim,
               $causal, $visibility, $chunk_size, $scale, $config) `,`
    `sizes` `=` `[` custom<AbiSizes>($sizes) `]` `,`
    `tensors` `=` `[` $tensors `]` `,`
    `launches` `=` `[` $launches `]` `>`
  }];
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The launch of kernel function `kernel`, or null.
    AbiLaunchAttr getLaunch(StringRef kernel) const;
    /// This ABI with the launch of `kernel` (which must have one) asking for
    /// `bytes` of dynamic shared memory: for a lowering whose kernel's
    /// shared memory is its own plan's.
    KernelAbiAttr withDynamicSharedMemory(StringRef kernel,
                                          int64_t bytes) const;
  }];
}

#endif // MODA_DIALECT_MODA_IR_MODAATTRS_TD
