//===- Passes.td - moda_tile passes ------------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD
#define MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModaTileAssignLayouts : Pass<"moda-tile-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "choose each tile product's layout and each load's copy kind";
  let description = [{
    Reads the `#moda.config` of every tile program (in its
    `moda.kernel_abi`), checks it with the configuration rules the configuration
    pass uses (`KernelConfigSpace.cpp`: register budget, shared memory,
    head dimension, operand types), and records the choice in the IR: every
    `moda_tile.dot` gets `#moda_tile.layout<kind = mma, num_warps = ...>`,
    every streamed tile (a product's right operand: keys, values, depth
    entries; query rows and output gradients in the backward's key-side
    programs, with the lse and delta values of those query rows)
    `#moda_tile.copy<kind = cp_async, stages = num_stages>` on tensor cores
    (`vector` on CUDA cores), every other load (the block's own rows, their
    lse and delta) `vector`. With `wgmma`, a loop whose live
    registers per thread (its carried tiles, one step's products and the
    loaded tiles it holds from outside as products' left operands) would
    pass the rules' budget (`kMaxLiveRegistersWgmma`) has its products read
    those held tiles from shared memory (`lhs_from_shared`): the
    backward's key-side programs, whose two accumulators leave no registers
    for the keys and values. A program without a configuration, or with
    one the rules reject, is an error.

    ```mlir
    func.func private @moda_attention_0(...) attributes {moda_tile.program,
        moda.kernel_abi = #moda.kernel_abi<..., config = #moda.config<
          block_m = 64, block_n = 64, block_depth = 64, num_warps = 4,
          num_stages = 2, mma = wgmma, target = "sm_90a">, ...>} {
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
    and, in a dkv program's loop (keys held from before it):
    ```mlir
      %st = moda_tile.dot %keys, %q, %zeros
          {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>,
           lhs_from_shared, transpose_rhs} : ...
    ```
  }];
}

def ModaTilePipeline : Pass<"moda-tile-pipeline", "::mlir::ModuleOp"> {
  let summary = "overlap each loop's tile copies with its compute (cp_async stages)";
  let description = [{
    In every innermost loop of a tile program, the loads whose copy kind
    is `cp_async` with `stages = S >= 2` become
    asynchronous copies started `S - 1` iterations ahead, into slot
    `(j - lb) / step mod S` of a multi-buffer per load (`multi_buffer`, its
    position among the loop's pipelined loads; loops run one after the
    other and share them). A prologue starts iterations `lb .. lb + S - 2`;
    iteration `j` starts iteration `j + S - 1`'s copies, commits them as a
    group and waits for its own with `pending = S - 1` groups left in
    flight; the loop carries the futures; after the loop a wait with
    `pending = 0` drains the copies started past its end (they read rows
    the load's `end` turns into zeros, or rows no iteration uses). Loads
    whose operands depend on more than the induction variable stay as they
    are. On the GPU (`convert-moda-tile-to-gpu`) the copies are cp.async,
    the groups cp.async.commit_group and the waits cp.async.wait_group
    followed by a barrier; on the host the copies are synchronous loads.

    ```mlir
    scf.for %j = %c0 to %n step %c1 iter_args(%acc = %init) -> (tensor<64x64xf32>) {
      %first = arith.muli %j, %c64 : index
      %k = moda_tile.load %kbuf[%b, %h, %first] end %S extent %S
          {copy = #moda_tile.copy<kind = cp_async, stages = 2>, rows = ...}
          : memref<?xbf16> -> tensor<64x64xbf16>
      ... uses of %k ...
    }
    ```
    Gets transformed to:
    ```mlir
    %f0 = moda_tile.async_load %kbuf[%b, %h, %first0] end %S extent %S slot %c0
        {copy = ..., multi_buffer = 0 : i64, rows = ...}
        : memref<?xbf16> -> !moda_tile.future<tensor<64x64xbf16>>
    moda_tile.commit
    %r:2 = scf.for %j = %c0 to %n step %c1 iter_args(%acc = %init, %f = %f0) -> (...) {
      %k = moda_tile.wait %f {pending = 0 : i64} : !moda_tile.future<tensor<64x64xbf16>>
      %next = moda_tile.async_load %kbuf[%b, %h, %first_ahead] ... slot %slot_ahead ...
      moda_tile.commit
      ... uses of %k ...
      scf.yield %acc1, %next : tensor<64x64xf32>, !moda_tile.future<tensor<64x64xbf16>>
    }
    moda_tile.wait {pending = 0 : i64}
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect"];
}

def ModaTileAsyncDots : Pass<"moda-tile-async-dots", "::mlir::ModuleOp"> {
  let summary = "issue warpgroup products early and wait for them late";
  let description = [{
    A `wgmma` product runs on its own once issued, so in every block of a
    tile program each product of the `wgmma` layout becomes `async` and
    moves up, past pure ops and past earlier products it does not read
    whose results are needed later than its own, to just below what
    defines its operands (or the last op with memory effects); before the
    first op that reads its result (other than as the accumulator of a
    later async product), a `moda_tile.dot_wait` leaves running the products
    issued after it (`pending`). Products finish in the order they were
    issued, so the one needed first goes first. Every product still
    running is waited for (`pending = 0`) before the block's terminator
    and before any op with memory effects: no product outlives its block,
    so shared tiles are written again only after the products that read
    them ended. Products of the other layouts are left as they are; so is
    a program on the host, where `dot_wait` returns its tiles.

    In a backward step the output-gradient product moves up to just after
    the score product and runs while the probabilities are computed; the
    value-gradient product runs while the score gradient is:
    ```mlir
    %s = moda_tile.dot %k, %q, %zero {layout = #wgmma, transpose_rhs} : ...
    %m = moda_tile.mask %s ...
    %p = moda_tile.softmax_probs %m, %lse ...
    %dv = moda_tile.dot %p, %do, %dv_acc {layout = #wgmma} : ...
    %dp = moda_tile.dot %v, %do, %zero {layout = #wgmma, transpose_rhs} : ...
    %ds = moda_tile.softmax_grad %p, %dp, %delta ...
    %dk = moda_tile.dot %ds, %q, %dk_acc {layout = #wgmma} : ...
    scf.yield %dk, %dv, ...
    ```
    Gets transformed to:
    ```mlir
    %s = moda_tile.dot %k, %q, %zero {async, layout = #wgmma, transpose_rhs} : ...
    %dp = moda_tile.dot %v, %do, %zero {async, layout = #wgmma, transpose_rhs} : ...
    %s1 = moda_tile.dot_wait %s {pending = 1 : i64} : tensor<64x64xf32>
    %m = moda_tile.mask %s1 ...
    %p = moda_tile.softmax_probs %m, %lse ...
    %dv = moda_tile.dot %p, %do, %dv_acc {async, layout = #wgmma} : ...
    %dp1 = moda_tile.dot_wait %dp {pending = 1 : i64} : tensor<64x64xf32>
    %ds = moda_tile.softmax_grad %p, %dp1, %delta ...
    %dk = moda_tile.dot %ds, %q, %dk_acc {async, layout = #wgmma} : ...
    %dv1, %dk1 = moda_tile.dot_wait %dv, %dk {pending = 0 : i64} : ...
    scf.yield %dk1, %dv1, ...
    ```
  }];
}

#endif // MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD
