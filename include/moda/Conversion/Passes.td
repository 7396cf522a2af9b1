//===- Passes.td - moda conversion passes ------------------*- tablegen -*-===//

#ifndef MODA_CONVERSION_PASSES_TD
#define MODA_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertModaToTile : Pass<"convert-moda-to-tile", "::mlir::ModuleOp"> {
  let summary = "lower moda.attention and moda.attention_grad to tile programs and their launchers";
  let description = [{
    The algorithm stage of the compiler. It lowers every operator (each must
    carry its `#moda.config`). Every `moda.attention` becomes a tile program `@moda_attention_<n>`
    (a private `func.func` marked `moda_tile.program`): what one thread block
    computes, on tiles, with no thread indexing. The block owns `block_m`
    folded query rows (`i = t * G + g`) of one key/value head of one batch
    entry and runs one online softmax over the sequence tiles every row sees
    in full (unmasked), the tiles at the causal diagonal (masked) and the
    block's span of depth entries (masked), all bounds from
    `moda_tile.visible_range`. A launcher `@moda_attention_<n>_launch`
    computes the grid `(ceil(T * G / block_m), Hk, B)` once and runs the
    program with `moda_tile.launch`; the operator becomes a call of the
    launcher on flat buffers.

    Every such `moda.attention_grad` becomes the programs `@moda_attention_grad_<n>_dq`
    (the forward's walk over key tiles: `delta = rowsum(d_out * out)`
    stored, P recomputed from `lse` with `moda_tile.softmax_probs`,
    `dq += dS k`), `_dkv` (blocks of `block_m` keys; the tiles of `block_n`
    query rows that see them, from `moda_tile.seeing_range`, scores held
    transposed) and `_d_depth` (the same over depth entries), as the variant
    needs, and a launcher that allocates `delta` and runs them in order:
    ```mlir
    %dq, %dk, %dv = moda.attention_grad q(%q : ...) kv(%k, %v : ...)
        out(%o, %lse : ...) d_out(%do : ...) {causal, config = ...} -> ...
    ```
    Gets transformed to (abridged):
    ```mlir
    func.func @moda_attention_grad_0_launch(...) {
      %delta = memref.alloc(%rows) : memref<?xf32>
      moda_tile.launch @moda_attention_grad_0_dq grid(%gq, %c1, %B) (..., %delta, ...) : ...
      moda_tile.launch @moda_attention_grad_0_dkv grid(%gk, %c1, %B) (..., %delta, ...) : ...
      return
    }
    ```

    ```mlir
    %out, %lse = moda.attention q(%q : tensor<1x40x2x64xbf16>)
        kv(%k, %v : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>)
        {causal, config = #moda.config<block_m = 32, block_n = 16, ...>}
        -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
    ```
    Gets transformed to (abridged):
    ```mlir
    func.func private @moda_attention_0(%q: memref<?xbf16>, ...,
        %B: index, %T: index, %S: index, %L: index)
        attributes {moda_tile.program, moda.kernel_abi = #moda.kernel_abi<...>} {
      %id = moda_tile.program_id x
      %blocks = moda_tile.num_programs x   // causal: the longest block first,
      ...                                  // block = blocks - 1 - id
      %query = moda_tile.load %q[%batch, %head, %row0] end %rows extent %T
          {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>}
          : memref<?xbf16> -> tensor<32x64xbf16>
      %begin, %full = moda_tile.visible_range %first (T = %T, S = %S, L = %L)
          {visibility = #moda_tile.visibility<part = sequence, causal = true>}
      %state:3 = scf.for %j = %c0 to %tiles step %c1 iter_args(...) {
        %keys = moda_tile.load %k[...] ... -> tensor<16x64xbf16>
        %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} ...
        %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %s, %max, %sum ...
        %scaled = moda_tile.scale_rows %acc, %alpha ...
        %acc1 = moda_tile.dot %p, %values, %scaled ...
        scf.yield %max1, %sum1, %acc1 : ...
      }
      ... the diagonal tiles, then the depth span: the same step with
      ... moda_tile.mask, its products and softmax inside a moda_tile.if_seen
      ... (rows that see none of the tile keep their state; a lowering may
      ... skip it for a group of rows that sees none) ...
      %o, %lse = moda_tile.finalize %state#2, %state#0, %state#1 ...
      moda_tile.store %o, %out[...] ...
      moda_tile.store %lse, %lse_buffer[...] ...
      return
    }
    func.func @moda_attention_0_launch(...) {
      moda_tile.launch @moda_attention_0 grid(%gx, %c1, %B) (...) : ...
      return
    }
    ```

    A `moda.attention` over packed sequences (`packed(%cu, %max)`) gets the
    same block, run for the sequence of program z on its tokens: the
    program reads the offsets (after `lse`) and the tokens N (after L), and
    every tensor as a view of token-major rows:
    ```mlir
    %begin, %length = moda_tile.sequence_bounds %cu_seqlens[%sequence] tokens %N
        : memref<?xi32>
    scf.for %i = %x to %blocks step %blocks_along_x {   // blocks of %length * G rows
      ... the block above, with %begin as the batch entry, T = S = %length
    }
    ```

    Split-KV (the configuration's `kv_splits` N > 1, for decoding): the
    program `@moda_attention_<n>` runs on the grid `(ceil(T * G / block_m),
    Hk * N, B)`, block y = split * Hk + head taking a contiguous share of
    its query block's key tiles (the last share also the depth span), and
    stores its normalized f32 result and log-sum-exp at batch entry
    split * B + b of the scratch `partial_out` `[N, B, T, Hq, D]` and
    `partial_lse` `[N, B, Hq, T]`; `@moda_attention_<n>_merge`, on the
    forward's grid, folds the N shares with `moda_tile.merge_partial` into
    out and lse. The launcher allocates the scratch and runs both:
    ```mlir
    func.func @moda_attention_0_launch(...) {
      %partial_out = memref.alloc(%n0) : memref<?xf32>
      %partial_lse = memref.alloc(%n1) : memref<?xf32>
      moda_tile.launch @moda_attention_0 grid(%gx, %c6, %B) (...) : ...
      moda_tile.launch @moda_attention_0_merge grid(%gx, %c2, %B) (...) : ...
      return
    }
    func.func private @moda_attention_0_merge(...) {
      %m:3 = scf.for %s = %c0 to %c3 step %c1 iter_args(...) {
        %p = moda_tile.load %partial_out[%s * B + b, ...] ... -> tensor<64x64xf32>
        %l = moda_tile.load %partial_lse[%s * B + b, ...] ... -> tensor<64xf32>
        %max1, %sum1, %acc1 = moda_tile.merge_partial %p, %l, %max, %sum, %acc ...
        scf.yield %max1, %sum1, %acc1 : ...
      }
      %o, %lse = moda_tile.finalize %m#2, %m#0, %m#1 {exp2_scale = 1.44269502 : f32} ...
      ...
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::func::FuncDialect", "::mlir::memref::MemRefDialect",
    "::mlir::moda::tile::ModaTileDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertModaTileToHost : Pass<"convert-moda-tile-to-host", "::mlir::ModuleOp"> {
  let summary = "run tile programs on the host: tile ops to tensor code";
  let description = [{
    The CPU path. Each tile program becomes a host
    function of one block, its `moda_tile.program_id`s and
    `moda_tile.num_programs` its six trailing arguments (the block's ids, the
    grid's extent); each `moda_tile.launch` a loop nest over the grid calling
    it.
    Tile arithmetic becomes `linalg.generic` on tensors (`dot`, `mask`,
    `softmax_update`, `scale_rows`, `finalize`), `moda_tile.load`/`store`
    loops over rows of vector loads and stores, and `visible_range` and
    `mask` expand the one visibility rule. A tile op the pass cannot lower is
    an error. Bufferization and `convert-linalg-to-loops` then give plain
    loops (`moda-to-host-llvm`).

    ```mlir
    %s = moda_tile.dot %q, %k, %zeros {transpose_rhs}
        : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    ```
    Gets transformed to:
    ```mlir
    %s = linalg.generic {indexing_maps = [(m, n, k) -> (m, k),
        (m, n, k) -> (n, k), (m, n, k) -> (m, n)],
        iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%q, %k : tensor<32x64xbf16>, tensor<16x64xbf16>)
        outs(%zeros : tensor<32x16xf32>) {
    ^bb0(%a: bf16, %b: bf16, %c: f32):
      %0 = arith.extf %a : bf16 to f32
      %1 = arith.extf %b : bf16 to f32
      %2 = arith.mulf %0, %1 : f32
      %3 = arith.addf %c, %2 : f32
      linalg.yield %3 : f32
    } -> tensor<32x16xf32>
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::vector::VectorDialect"
  ];
}

def ConvertModaTileToGPU : Pass<"convert-moda-tile-to-gpu", "::mlir::ModuleOp"> {
  let summary = "lower tile programs to GPU kernels, by layout";
  let description = [{
    Every tile program becomes a `gpu.func` kernel in a `gpu.module` of its
    own (`@<program>_module`, one PTX per kernel) with `num_warps * 32`
    threads and the program's `moda.kernel_abi` (the manifest's source; its
    launch's dynamic shared memory becomes the plan's bytes, below), and
    every `moda_tile.launch` of it a `gpu.launch_func`. The
    products' layout (`moda-tile-assign-layouts`) decides what each thread
    runs, one file per layout. A layout distributes every tile of the
    block's rows over the threads (which rows, which columns each thread
    holds); loads, stores, masks, the softmax and the epilogue are written
    once against that map (`TileKernelBuilder.cpp`), and each layout adds
    how its products run:

    * `fma` (`FmaLayoutToGPU.cpp`): each thread owns whole rows `thread`,
      `thread + 32 * num_warps`, ... of the block as vectors in registers;
      each product is unrolled over the shared tile's rows.
    * `mma_sync` (`MmaSyncLayoutToGPU.cpp`): each warp owns 16-row m-tiles
      of the block, a lane two rows of each and two of every eight columns
      (the m16n8 accumulator layout, `FragmentLayout.cpp`, so the query
      rows and the probabilities are already the next product's A
      operand); products are m16n8k16 `mma.sync` with the right operand
      read by `ldmatrix` (transposed for `P V`); a row's max and sum
      combine over the four lanes of the row.
    * `wgmma` (`WgmmaLayoutToGPU.cpp`, sm_90a): each warpgroup of four
      warps owns 64-row m-tiles, each warp 16 rows of each in the same
      m16n8 accumulator layout; a product is one `wgmma.mma_async`
      m64nNk16 per m-tile and k16 step, A from the registers, B read by the
      instruction from the swizzled shared tile through a matrix
      descriptor (K-major for `Q K^T`, N-major for `P V`), committed and
      waited for before its accumulators are used; every thread fences its
      shared writes to the async proxy before the barrier that publishes
      them.

    Key, value and depth tiles are copied into shared memory by all threads
    between barriers, in 16-byte chunks, as the load's copy kind says:
    `vector` loads and stores (`VectorCopy.cpp`) or `cp_async` copies
    (`CpAsyncCopy.cpp`; `moda-tile-pipeline` overlaps them with the
    products over `stages` slots). `SharedTilePlan.cpp` plans the buffers
    once: where each element lives (row-major for `fma`, 128-byte panels
    with the 16-byte chunk index XORed with the row's low three bits for
    the tensor-core layouts) and where each buffer lives in the block's
    dynamic shared memory (byte offsets; 1024-byte aligned for `wgmma`,
    the swizzle's period, which the kernel reaches by rounding its start up
    within the slack the plan adds). The kernel's `moda.kernel_abi` launch,
    and so the manifest, asks for the plan's bytes.

    ```mlir
    %k = moda_tile.load %kbuf[%b, %h, %first] end %S extent %S
        {copy = #moda_tile.copy<kind = vector>, rows = ...} : memref<?xf16> -> tensor<16x64xf16>
    %s = moda_tile.dot %q, %k, %zeros {layout = #moda_tile.layout<kind = fma, num_warps = 1>,
        transpose_rhs} : tensor<32x64xf16>, tensor<16x64xf16> -> tensor<32x16xf32>
    ```
    Gets transformed to (abridged; 32 threads, one row each):
    ```mlir
    %bytes = gpu.dynamic_shared_memory : memref<?xi8, #gpu.address_space<workgroup>>
    %shared = memref.view %bytes[%c0][] : memref<?xi8, #gpu.address_space<workgroup>>
        to memref<1024xf16, #gpu.address_space<workgroup>>
    gpu.barrier
    scf.for %i = %c0 to %c4 step %c1 {   // 128 chunks of 8 halves, 32 threads
      ... vector.load %kbuf[...] : memref<?xf16>, vector<8xf16>
      vector.store %chunk, %shared[...] : memref<1024xf16, #gpu.address_space<workgroup>>, vector<8xf16>
    }
    gpu.barrier
    %key0 = vector.load %shared[%c0] : memref<1024xf16, #gpu.address_space<workgroup>>, vector<64xf16>
    %score0 = vector.reduction <add>, %product0, %acc0 : vector<64xf32> into f32
    ...
    ```
    With `layout = #moda_tile.layout<kind = mma_sync, num_warps = 1>` (16
    rows) and `copy = #moda_tile.copy<kind = cp_async, stages = 1>`, the same
    product gets transformed to (abridged):
    ```mlir
    gpu.barrier
    scf.for %i = %c0 to %c4 step %c1 {
      ... %swizzled = arith.xori %chunk, %row_mod_8 : index
      nvgpu.device_async_copy %kbuf[%src], %shared[%at], 8, %n {bypassL1}
    }
    nvvm.cp.async.commit.group
    nvvm.cp.async.wait.group 0
    gpu.barrier
    %b = nvgpu.ldmatrix %shared[%offset] {numTiles = 4 : i32, transpose = false}
        : memref<1024xf16, #gpu.address_space<workgroup>> -> vector<4x2xf16>
    %d = nvvm.mma.sync A[%a0, %a1, %a2, %a3] B[%b0, %b1] C[%c0, %c1, %c2, %c3]
        {layoutA = #nvvm.mma_layout<row>, layoutB = #nvvm.mma_layout<col>,
         shape = #nvvm.shape<m = 16, n = 8, k = 16>} : ...
    ```
    With `layout = #moda_tile.layout<kind = wgmma, num_warps = 4>` (64
    rows), after the same copy (abridged):
    ```mlir
    nvvm.cp.async.wait.group 0
    nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space = #nvvm.shared_space<cta>}
    gpu.barrier
    nvvm.wgmma.fence.aligned
    %d = llvm.inline_asm has_side_effects "... wgmma.mma_async.sync.aligned.m64n16k16.f32.f16.f16
        {$0, ..., $7}, {$8, $9, $10, $11}, $12, p, 1, 1, 0; ..." ...   // 4 k-steps
    nvvm.wgmma.commit.group.sync.aligned
    nvvm.wgmma.wait.group.sync.aligned 0
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::gpu::GPUDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

#endif // MODA_CONVERSION_PASSES_TD
