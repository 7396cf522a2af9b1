//===- Passes.td - moda dialect passes ---------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD
#define MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModaSelectKernelConfig : Pass<"moda-select-kernel-config"> {
  let summary = "attach a kernel configuration to every MoDA operator";
  let description = [{
    Gives every `moda.attention` and `moda.attention_grad` that has no
    `config` attribute a `#moda.config`, and records where it came from in
    `moda.config_source`:

    * `"database"`: the winner a tuning database (`database=<path>`, else the
      `MODA_TUNING_DB` environment variable) recorded for the operator's key:
      compute capability of `target`, op, element type, head dimension `D`,
      group size `G = Hq / Hk`, depth `L`, causal, visibility and the
      power-of-two bucket of `T` (T and L must be static to match);
    * `"heuristic"`: otherwise, a member of the configuration space chosen
      from `D`, `G`, `L` and the element type. Query blocks are always a
      multiple of `G`, so that the `G` query heads of one position share a
      block and its depth span. The space holds the CUDA-core layout
      (`mma = fma`, one pipeline stage) and, for sm_80 and later, the
      tensor-core layouts (`mma_sync`; `wgmma` on sm_90a) with 2 or 3
      pipeline stages (`moda-compile --print-config-space` lists it).

    A backward (`moda.attention_grad`) gets warpgroup MMA (sm_90a, 2
    stages) in blocks of one warpgroup where its dq rules allow, else (D <=
    128) blocks of two warpgroups with 32-key and 32-entry tiles, else the
    SIMT tiles the forward heuristics would pick.

    Every configuration chosen fits the target's shared memory as the
    operator's tile programs lay their tiles out, where one does: the pass
    builds and stages them (the `moda-to-tile-programs` pipeline) on a
    scratch copy of the operator with the candidate configuration and asks
    their shared-tile plan, the one the GPU lowering and the manifest use.
    The heuristics measure their candidates best first; when none fits
    (f32 with an enormous head dimension, say) they attach their preferred
    configuration and the lowering reports why it cannot be compiled.

    A decoding forward (T static, its T * G rows in one block of 64,
    sequence keys, not packed, tensor cores) gets 64-row blocks over 4
    warps, 64-key and 64-entry tiles and 3 stages; when B is static too
    and its B * Hk blocks fill at most half of an sm_90 GPU's 132
    multiprocessors, also split-KV's `kv_splits` = 132 / (B * Hk), at most
    128 and, when S is static, each share at least four key tiles (a cache
    length known only at launch is split for the multiprocessors)
    (`lib/Dialect/Moda/Utils/KeySplits.cpp`).

    Operators that already carry a configuration keep it; one whose shared
    tiles exceed what a block may opt in to on its target is an error. An
    unreadable or malformed database is an error; an entry whose
    configuration the rules reject or whose tiles do not fit is ignored.

    Example: `moda-opt --moda-select-kernel-config="target=sm_90a
    database=tuning/h100.json"`.
  }];
  let options = [
    Option<"target", "target", "std::string", /*default=*/"\"sm_90a\"",
           "GPU architecture recorded in the configuration">,
    Option<"database", "database", "std::string", /*default=*/"\"\"",
           "tuning database (JSON) to consult first">,
    Option<"device", "device", "std::string", /*default=*/"\"\"",
           "prefer database entries tuned on this device (driver name)">
  ];
  let dependentDialects = ["::mlir::moda::ModaDialect"];
}

def ModaBufferDepthStreams : Pass<"moda-buffer-depth-streams", "ModuleOp"> {
  let summary = "the depth stream as one buffer per stream, appended in place";
  let description = [{
    Replaces every `!moda.depth_stream` value by what it stands for in
    memory: a key and a value buffer `[B, T, capacity, Hk, D]`, allocated
    once by `moda.stream.empty` (`bufferization.alloc_tensor`), and the
    number of entries filled (an index). `moda.stream.append` writes its
    entry into slot `size` (`tensor.insert_slice`, in place once bufferized
    where nothing reads the old buffer's slots it writes later on);
    `moda.stream.entries` is
    the slice of slots `[0, size)` (`tensor.extract_slice`, a strided view of
    the buffer once bufferized). Streams carried through `scf.for` (a loop
    over layers), `scf.if`, and function arguments and results become the
    two buffers and the size. Where the size is not known statically an
    append first asserts that the stream is not full, and a read typed with
    a static number of entries that it holds that many (`cf.assert`). A
    stream with `window` (bounded depth) is a ring: an append writes slot
    `size mod capacity`, a read is the slice of `min(size, capacity)` slots.

    A stream value appended to twice (two branches of a model writing the
    same slot) cannot share one buffer: bufferization would silently copy
    the whole buffer to keep the first branch's readers right, the very
    re-stacking this pass removes. The pass rejects it, naming both appends,
    as it does any use of a stream it does not know (an op of another
    dialect taking one), and the entries of a `window` stream read after
    the stream's next append, which writes over the oldest of them.

    ```mlir
    %s0 = moda.stream.empty : !moda.depth_stream<1x128x2x64xbf16, size = 0, capacity = 8>
    %s1 = moda.stream.append %s0, %k, %v : ... -> !moda.depth_stream<..., size = 1, capacity = 8>
    %dk, %dv = moda.stream.entries %s1 : ... -> tensor<1x128x1x2x64xbf16>, tensor<1x128x1x2x64xbf16>
    // Gets transformed to:
    %kb = bufferization.alloc_tensor() : tensor<1x128x8x2x64xbf16>
    %vb = bufferization.alloc_tensor() : tensor<1x128x8x2x64xbf16>
    %kb1 = tensor.insert_slice %k into %kb[0, 0, 0, 0, 0] [1, 128, 1, 2, 64] [1, 1, 1, 1, 1]
        : tensor<1x128x2x64xbf16> into tensor<1x128x8x2x64xbf16>
    %vb1 = tensor.insert_slice %v into %vb[0, 0, 0, 0, 0] [1, 128, 1, 2, 64] [1, 1, 1, 1, 1] ...
    %dk = tensor.extract_slice %kb1[0, 0, 0, 0, 0] [1, 128, 1, 2, 64] [1, 1, 1, 1, 1]
        : tensor<1x128x8x2x64xbf16> to tensor<1x128x1x2x64xbf16>
    %dv = tensor.extract_slice %vb1[...] ...
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // MODA_DIALECT_MODA_TRANSFORMS_PASSES_TD
