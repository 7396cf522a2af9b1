//===- Passes.td - moda_tile passes ------------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD
#define MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModaTileAssignLayouts : Pass<"moda-tile-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "choose each tile product's layout and each load's copy kind";
  let description = [{
    Reads the `#moda.config` of every tile program (its `moda.kernel`
    description), checks it with the configuration rules the configuration
    pass uses (`KernelConfigSpace.cpp`: register budget, shared memory,
    head dimension, operand types), and records the choice in the IR: every
    `moda_tile.dot` gets `#moda_tile.layout<kind = mma, num_warps = ...>`,
    every key, value and depth load `#moda_tile.copy<kind = cp_async, stages
    = num_stages>` on tensor cores (`vector` on CUDA cores), the query load
    `vector`. A program without a configuration, or with one the rules
    reject, is an error.

    ```mlir
    func.func private @moda_attention_0(...) attributes {moda_tile.program,
        moda.kernel = {config = #moda.config<block_m = 64, block_n = 64,
          block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma,
          target = "sm_90a">, ...}} {
      %k = moda_tile.load %kbuf[...] ... -> tensor<64x64xbf16>
      %s = moda_tile.dot %q, %k, %zeros {transpose_rhs} : ...
    ```
    Gets transformed to:
    ```mlir
      %k = moda_tile.load %kbuf[...] ...
          {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = ...}
      %s = moda_tile.dot %q, %k, %zeros
          {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>,
           transpose_rhs} : ...
    ```
  }];
}

#endif // MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD
