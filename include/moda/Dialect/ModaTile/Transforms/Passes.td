//===- Passes.td - moda_tile passes ------------------------*- tablegen -*-===//

#ifndef MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD
#define MODA_DIALECT_MODATILE_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ModaTileAssignLayouts : Pass<"moda-tile-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "choose each tile product's layout and each load's copy kind";
  let description = [{
    Reads the `#moda.config` of every tile program (in its
    `moda.kernel_abi`), checks it with the configuration rules the configuration
    pass uses (`KernelConfigSpace.cpp`: register budget, rows per warp,
    head dimension, operand types; shared memory is the plan's, checked by
    the configuration pass and the GPU lowering), and records the choice in the IR: every
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
    for the keys and values. A program without products (split-KV's merge,
    on f32 partial results) gets the layout as its own attribute
    `moda_tile.layout`, which distributes its rows as the products would;
    the rules on products do not judge it. A program without a
    configuration, or with products the rules reject, is an error.

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

def ModaTileDeferValueProducts
    : Pass<"moda-tile-defer-value-products", "::mlir::ModuleOp"> {
  let summary = "run each step's P V product under the next step's softmax";
  let description = [{
    In a loop of unmasked online-softmax steps whose products have the
    `wgmma` layout (products that run on their own once issued), step j's
    probabilities-times-values product moves into iteration j + 1: the loop
    is rotated so that each iteration issues its scores' product and the
    previous step's value product back to back, and the value product runs
    while the scores' softmax is computed (FlashAttention-3's
    intra-warpgroup overlap; `moda-tile-async-dots` issues them and waits for
    the value product only before the accumulator is rescaled). The first
    iteration's value product adds zero probabilities (no prologue: every
    tile but the last step's values is loaded inside the pipelined loop);
    an epilogue adds the last step's value product; an `scf.if` keeps a
    loop without iterations as it was. The loop carries the probabilities
    in the values' element type (as the product reads them) and the
    accumulator rescaled by the newest step's factor. The value tile is
    loaded in the iteration that reads it, so `moda-tile-pipeline` gives it
    a slot per iteration that is refilled only after the products reading
    it were waited for. Loops of other layouts and masked steps
    (`moda_tile.if_seen`) are left as they are, and so are loops whose
    value product has fewer than `min-value-columns` columns (the head
    dimension D; default 128): measured on an H100 (tile kernels of b3e2f6c
    against d6f9e73's, which differ mainly by the rotation,
    `bench/results/perf-lowerings-defer-h100.json` and
    `perf-lowerings-d6f9e73-h100.json`), the rotation took the G = 8,
    D = 128 forward from 10.894 to 10.558 ms at T = 16384 but the D = 64
    ones from 1.894 to 2.155 ms (G = 2) and from 6.130 to 6.446 ms (G = 8).

    ```mlir
    %r:3 = scf.for %j = %lb to %ub step %c1 iter_args(%m = %m0, %l = %l0, %acc = %a0) -> (...) {
      %first = arith.muli %j, %c64 : index
      %k = moda_tile.load %kbuf[%b, %h, %first] ... : memref<?xbf16> -> tensor<64x64xbf16>
      %v = moda_tile.load %vbuf[%b, %h, %first] ... : memref<?xbf16> -> tensor<64x64xbf16>
      %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : ...
      %m1, %p, %alpha, %l1 = moda_tile.softmax_update %s, %m, %l {exp2_scale = 0.18 : f32} : ...
      %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
      %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : ...
      scf.yield %m1, %l1, %acc1 : ...
    }
    ```
    Gets transformed to:
    ```mlir
    %r:3 = scf.if %any -> (...) {
      %none = arith.constant dense<0.0> : tensor<64x64xbf16>
      %rot:4 = scf.for %j = %lb to %ub step %c1
          iter_args(%m = %m0, %l = %l0, %a = %a0, %p = %none) -> (...) {
        %prev = arith.maxsi %j_minus_1, %lb : index
        %v = moda_tile.load %vbuf[%b, %h, %first_of_prev] ...
        %k = moda_tile.load %kbuf[%b, %h, %first_of_j] ...
        %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : ...
        %m1, %p1, %alpha, %l1 = moda_tile.softmax_update %s, %m, %l ...
        %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : ...
        %a1 = moda_tile.scale_rows %acc1, %alpha : ...
        %pb = moda_tile.convert %p1 : tensor<64x64xf32> -> tensor<64x64xbf16>
        scf.yield %m1, %l1, %a1, %pb : ...
      }
      %vl = moda_tile.load %vbuf[%b, %h, %first_of_last] ...
      %accl = moda_tile.dot %rot#3, %vl, %rot#2 {layout = #wgmma} : ...
      scf.yield %rot#0, %rot#1, %accl : ...
    } else {
      scf.yield %m0, %l0, %a0 : ...
    }
    ```
  }];
  let options = [
    Option<"minValueColumns", "min-value-columns", "int64_t", /*default=*/"128",
           "rotate only loops whose value product has at least this many "
           "columns (the head dimension)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect"];
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
    iteration `j` first waits for its own copies with `pending = S - 2`
    groups (the younger iterations') left in flight, then starts iteration
    `j + S - 1`'s copies into the slot iteration `j - 1` read (past the
    wait every thread is done with it) and commits them as a group, so they
    overlap iteration `j`'s compute; the loop carries the futures; after the loop a wait with
    `pending = 0` drains the copies started past its end (they read rows
    the load's `end` turns into zeros, or rows no iteration uses). An
    operand computed by an op that reads memory the loop does not write (a
    paged cache's `moda_tile.page_lookup`) is computed one iteration before
    its copy starts (the prologue's for the loop's first copies) and carried,
    so that its load's latency does not hold the copy's issue. Loads
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
