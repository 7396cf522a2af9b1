// RUN: moda-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{heads must be positive, got 0}}
func.func private @rows_heads() attributes {r = #moda_tile.rows<kind = key, heads = 0>}

// -----

// expected-error @+1 {{group must be positive, got 0}}
func.func private @rows_group() attributes {r = #moda_tile.rows<kind = query, heads = 4, group = 0>}

// -----

// expected-error @+1 {{rows of kind 'depth' have group 1, got 2}}
func.func private @rows_depth_group() attributes {r = #moda_tile.rows<kind = depth, heads = 4, group = 2>}

// -----

// expected-error @+1 {{heads (6) must be a multiple of group (4)}}
func.func private @rows_multiple() attributes {r = #moda_tile.rows<kind = lse, heads = 6, group = 4>}

// -----

// expected-error @+1 {{a sequence visibility takes no depth visibility or chunk size}}
func.func private @sequence_chunk() attributes {v = #moda_tile.visibility<part = sequence, chunk_size = 4>}

// -----

// expected-error @+1 {{a depth visibility is not causal}}
func.func private @depth_causal() attributes {v = #moda_tile.visibility<part = depth, causal = true>}

// -----

// expected-error @+1 {{chunk_size must be positive exactly when depth = chunk, got 0}}
func.func private @chunk_without_size() attributes {v = #moda_tile.visibility<part = depth, depth = chunk>}

// -----

func.func @load_lse(%b: memref<?xf32>, %i: index) {
  // expected-error @+1 {{loads lse rows as a tile<R> or a tile<1xR>, got 'tensor<16x64xf32>'}}
  %t = moda_tile.load %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 2>} : memref<?xf32> -> tensor<16x64xf32>
  return
}

// -----

func.func @load_element_type(%b: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{tile element type 'f16' differs from the buffer's 'bf16'}}
  %t = moda_tile.load %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<16x64xf16>
  return
}

// -----

func.func @load_rank(%b: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{a row tile must have rank 2, got 'tensor<16xbf16>'}}
  %t = moda_tile.load %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<16xbf16>
  return
}

// -----

func.func @load_dynamic(%b: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{a row tile must have a static shape, got 'tensor<?x64xbf16>'}}
  %t = moda_tile.load %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<?x64xbf16>
  return
}

// -----

func.func @store_keys(%t: tensor<16x64xf32>, %b: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{tile element type 'f32' differs from the buffer's 'bf16'}}
  moda_tile.store %t, %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<16x64xf32>, memref<?xbf16>
  return
}

// -----

func.func @store_lse_rank(%t: tensor<16x2xf32>, %b: memref<?xf32>, %i: index) {
  // expected-error @+1 {{an lse tile must have rank 1, got 'tensor<16x2xf32>'}}
  moda_tile.store %t, %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 2>} : tensor<16x2xf32>, memref<?xf32>
  return
}

// -----

func.func @store_lse_type(%t: tensor<16xbf16>, %b: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{lse rows are f32, got 'bf16'}}
  moda_tile.store %t, %b[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 2>} : tensor<16xbf16>, memref<?xbf16>
  return
}

// -----

func.func @dot_contraction(%a: tensor<32x64xbf16>, %b: tensor<16x32xbf16>, %c: tensor<32x16xf32>) {
  // expected-error @+1 {{contracts lhs dimension 1 (64) with rhs dimension 1 (32)}}
  %r = moda_tile.dot %a, %b, %c {transpose_rhs} : tensor<32x64xbf16>, tensor<16x32xbf16> -> tensor<32x16xf32>
  return
}

// -----

func.func @dot_acc(%a: tensor<32x64xbf16>, %b: tensor<64x16xbf16>, %c: tensor<32x32xf32>) {
  // expected-error @+1 {{acc must be 32x16, got 'tensor<32x32xf32>'}}
  %r = moda_tile.dot %a, %b, %c : tensor<32x64xbf16>, tensor<64x16xbf16> -> tensor<32x32xf32>
  return
}

// -----

func.func @mask_rank(%s: tensor<32xf32>, %i: index) {
  // expected-error @+1 {{scores must have rank 2, got 'tensor<32xf32>'}}
  %m = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 1 : i64, visibility = #moda_tile.visibility<part = sequence>} : tensor<32xf32>
  return
}

// -----

func.func @mask_group(%s: tensor<32x16xf32>, %i: index) {
  // expected-error @+1 {{attribute 'group' failed to satisfy constraint}}
  %m = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 0 : i64, visibility = #moda_tile.visibility<part = sequence>} : tensor<32x16xf32>
  return
}

// -----

func.func @softmax_rows(%s: tensor<32x16xf32>, %m: tensor<16xf32>) {
  // expected-error @+1 {{max must have one entry per row (32), got 'tensor<16xf32>'}}
  %a, %b, %c, %d = moda_tile.softmax_update %s, %m, %m {exp2_scale = 1.0 : f32} : tensor<32x16xf32>, tensor<16xf32>
  return
}

// -----

func.func @scale_rows(%t: tensor<32x64xf32>, %f: tensor<64xf32>) {
  // expected-error @+1 {{factors must have one entry per row (32), got 'tensor<64xf32>'}}
  %r = moda_tile.scale_rows %t, %f : tensor<32x64xf32>, tensor<64xf32>
  return
}

// -----

func.func @finalize_shape(%acc: tensor<32x64xf32>, %m: tensor<32xf32>) {
  // expected-error @+1 {{out must have the accumulator's shape, got 'tensor<32x32xbf16>'}}
  %o, %l = moda_tile.finalize %acc, %m, %m {exp2_scale = 1.0 : f32} : tensor<32x64xf32>, tensor<32xf32> -> tensor<32x32xbf16>
  return
}

// -----

func.func private @not_a_program(index)

func.func @launch_plain(%i: index) {
  // expected-error @+1 {{'not_a_program' is not a tile program (a func.func marked moda_tile.program)}}
  moda_tile.launch @not_a_program grid(%i, %i, %i) (%i) : index
  return
}

// -----

func.func private @program(index, index) attributes {moda_tile.program}

func.func @launch_arguments(%i: index) {
  // expected-error @+1 {{argument types do not match those of 'program' ('(index, index) -> ()')}}
  moda_tile.launch @program grid(%i, %i, %i) (%i) : index
  return
}

// -----

// expected-error @+1 {{a wgmma layout runs on whole warpgroups: num_warps must be a multiple of 4, got 2}}
func.func private @layout_warpgroups() attributes {l = #moda_tile.layout<kind = wgmma, num_warps = 2>}

// -----

// expected-error @+1 {{num_warps must be positive, got 0}}
func.func private @layout_warps() attributes {l = #moda_tile.layout<kind = fma, num_warps = 0>}

// -----

// expected-error @+1 {{stages must be positive, got 0}}
func.func private @copy_stages() attributes {c = #moda_tile.copy<kind = cp_async, stages = 0>}

// -----

// expected-error @+1 {{vector copies have one buffer (stages = 1), got 3}}
func.func private @vector_stages() attributes {c = #moda_tile.copy<kind = vector, stages = 3>}

// -----

func.func @async_vector(%k: memref<?xf16>, %i: index) {
  // expected-error @+1 {{has copy kind 'vector': asynchronous copies are cp_async}}
  %f = moda_tile.async_load %k[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = vector>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> !moda_tile.future<tensor<16x64xf16>>
  return
}

// -----

func.func @async_wrong_tile(%k: memref<?xf16>, %i: index) {
  // expected-error @+1 {{tile element type 'f32' differs from the buffer's 'f16'}}
  %f = moda_tile.async_load %k[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xf16> -> !moda_tile.future<tensor<16x64xf32>>
  return
}

// -----

func.func @async_load_lse(%b: memref<?xf32>, %i: index) {
  // expected-error @+1 {{copies rows of q, k, v, depth entries or the lse values of a tile's columns (tensor<1xR>), got lse rows as 'tensor<16xf32>'}}
  %f = moda_tile.async_load %b[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = lse, heads = 2>} : memref<?xf32> -> !moda_tile.future<tensor<16xf32>>
  return
}

// -----

func.func @probs_lse_shape(%s: tensor<32x16xf32>, %lse: tensor<16xf32>) {
  // expected-error @+1 {{lse must have one entry per row (tensor<32xf32>) or per column (tensor<1x16xf32>), got 'tensor<16xf32>'}}
  %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.125 : f32} : tensor<32x16xf32>, tensor<16xf32>
  return
}

// -----

func.func @probs_rank(%s: tensor<32xf32>, %lse: tensor<32xf32>) {
  // expected-error @+1 {{scores must have rank 2, got 'tensor<32xf32>'}}
  %p = moda_tile.softmax_probs %s, %lse {exp2_scale = 0.125 : f32} : tensor<32xf32>, tensor<32xf32>
  return
}

// -----

func.func @grad_delta_shape(%p: tensor<32x16xf32>, %delta: tensor<2x16xf32>) {
  // expected-error @+1 {{delta must have one entry per row (tensor<32xf32>) or per column (tensor<1x16xf32>), got 'tensor<2x16xf32>'}}
  %ds = moda_tile.softmax_grad %p, %p, %delta {scale = 0.125 : f32} : tensor<32x16xf32>, tensor<2x16xf32>
  return
}

// -----

func.func @grad_rank(%p: tensor<32xf32>, %delta: tensor<32xf32>) {
  // expected-error @+1 {{probs must have rank 2, got 'tensor<32xf32>'}}
  %ds = moda_tile.softmax_grad %p, %p, %delta {scale = 0.125 : f32} : tensor<32xf32>, tensor<32xf32>
  return
}

// -----

func.func @row_dot_result(%a: tensor<32x64xbf16>) {
  // expected-error @+1 {{result must have one entry per row (32), got 'tensor<16xf32>'}}
  %d = moda_tile.row_dot %a, %a : tensor<32x64xbf16> -> tensor<16xf32>
  return
}

// -----

func.func @row_dot_rank(%a: tensor<32xbf16>) {
  // expected-error @+1 {{lhs must have rank 2, got 'tensor<32xbf16>'}}
  %d = moda_tile.row_dot %a, %a : tensor<32xbf16> -> tensor<32xf32>
  return
}

// -----

func.func @convert_shape(%a: tensor<32x64xf32>) {
  // expected-error @+1 {{result must have the tile's shape, got 'tensor<32x32xbf16>'}}
  %c = moda_tile.convert %a : tensor<32x64xf32> -> tensor<32x32xbf16>
  return
}

// -----

func.func @async_mma_sync(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  // expected-error @+1 {{is async but its layout is mma_sync: only wgmma products run asynchronously}}
  %d = moda_tile.dot %a, %a, %acc {async, layout = #moda_tile.layout<kind = mma_sync, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

func.func @async_no_layout(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  // expected-error @+1 {{is async but its layout is not chosen: only wgmma products run asynchronously}}
  %d = moda_tile.dot %a, %a, %acc {async} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

func.func @lhs_from_shared_fma(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  // expected-error @+1 {{reads its left operand from shared memory but its layout is fma: only wgmma products read it there}}
  %d = moda_tile.dot %a, %a, %acc {lhs_from_shared, layout = #moda_tile.layout<kind = fma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

func.func @lhs_from_shared_not_loaded(%a: tensor<64x64xbf16>, %acc: tensor<64x64xf32>) {
  // expected-error @+1 {{reads its left operand from shared memory but the operand is not a loaded tile}}
  %d = moda_tile.dot %a, %a, %acc {lhs_from_shared, layout = #moda_tile.layout<kind = wgmma, num_warps = 4>} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return
}

// -----

func.func @dot_wait_negative(%a: tensor<64x64xf32>) {
  // expected-error @+1 {{attribute 'pending' failed to satisfy constraint}}
  %d = moda_tile.dot_wait %a {pending = -1 : i64} : tensor<64x64xf32>
  return
}

// -----

func.func @strides_count(%q: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{query rows take 3 strides (batch, position, query head), got 2}}
  %t = moda_tile.load %q[%i, %i, %i] end %i extent %i strides [%i, %i] {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
  return
}

// -----

func.func @lse_strides(%lse: memref<?xf32>, %i: index) {
  // expected-error @+1 {{lse rows take 3 strides (batch, query head, position), got 2}}
  %t = moda_tile.load %lse[%i, %i, %i] end %i extent %i strides [%i, %i] {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : memref<?xf32> -> tensor<32xf32>
  return
}

// -----

func.func @depth_strides_without_entries(%d: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{strided depth rows take `entries`, the depth entries per position}}
  %t = moda_tile.load %d[%i, %i, %i] end %i extent %i strides [%i, %i, %i, %i] {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
  return
}

// -----

func.func @entries_without_strides(%d: memref<?xbf16>, %i: index) {
  // expected-error @+1 {{takes `entries` only with the strides of depth rows}}
  %t = moda_tile.load %d[%i, %i, %i] end %i extent %i entries %i {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
  return
}

// -----

func.func @key_entries(%k: memref<?xbf16>, %t: tensor<16x64xbf16>, %i: index) {
  // expected-error @+1 {{takes `entries` only with the strides of depth rows}}
  moda_tile.store %t, %k[%i, %i, %i] end %i extent %i strides [%i, %i, %i] entries %i {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<16x64xbf16>, memref<?xbf16>
  return
}

// -----

func.func @if_seen_rows(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %acc: tensor<16x64xf32>, %i: index) {
  // expected-error @+1 {{carries the state of the block's 32 rows (tensor<32xf32> per row, tensor<32xNxf32> per row tile), got 'tensor<16x64xf32>'}}
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<16x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    moda_tile.yield %max, %acc : tensor<32xf32>, tensor<16x64xf32>
  }
  return
}

// -----

func.func @if_seen_yield(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %acc: tensor<32x64xf32>, %i: index) {
  // expected-error @+1 {{must yield the next value of each carried tile, of its type (its body ends in moda_tile.yield)}}
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    moda_tile.yield %max : tensor<32xf32>
  }
  return
}

// -----

func.func @if_seen_unmasked(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %acc: tensor<32x64xf32>, %i: index) {
  // expected-error @+1 {{must mask its scores with its own rule (a moda_tile.mask of its rows, columns, group and visibility over 16 columns): rows that see none of the tile keep their state only through it}}
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    moda_tile.yield %max, %acc : tensor<32xf32>, tensor<32x64xf32>
  }
  return
}

// -----

func.func @if_seen_other_rule(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %acc: tensor<32x64xf32>, %i: index) {
  // expected-error @+1 {{must mask its scores with its own rule}}
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    moda_tile.yield %max, %acc : tensor<32xf32>, tensor<32x64xf32>
  }
  return
}

// -----

func.func @if_seen_columns(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %acc: tensor<32x64xf32>, %i: index) {
  // expected-error @+1 {{attribute 'columns' failed to satisfy constraint}}
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 0 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    moda_tile.yield %max, %acc : tensor<32xf32>, tensor<32x64xf32>
  }
  return
}

// -----

func.func @yield_outside(%max: tensor<32xf32>) {
  // expected-error @+1 {{expects parent op 'moda_tile.if_seen'}}
  moda_tile.yield %max : tensor<32xf32>
}

// -----

func.func @if_seen_nothing_carried(%i: index) {
  // expected-error @+1 {{carries no state: a step that changes nothing}}
  "moda_tile.if_seen"(%i, %i, %i, %i, %i) ({
    "moda_tile.yield"() : () -> ()
  }) {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : (index, index, index, index, index) -> ()
  return
}

// -----

func.func @if_seen_scalar_state(%s: tensor<f32>, %i: index) {
  // expected-error @+1 {{carries the state of the block's 0 rows}}
  "moda_tile.if_seen"(%i, %i, %i, %i, %i, %s) ({
    "moda_tile.yield"(%s) : (tensor<f32>) -> ()
  }) {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : (index, index, index, index, index, tensor<f32>) -> tensor<f32>
  return
}

// -----

func.func @if_seen_no_yield(%max: tensor<32xf32>, %i: index) {
  // expected-error @+1 {{must yield the next value of each carried tile, of its type (its body ends in moda_tile.yield)}}
  %r = "moda_tile.if_seen"(%i, %i, %i, %i, %i, %max) ({
    %c = arith.constant 0 : index
  }) {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : (index, index, index, index, index, tensor<32xf32>) -> tensor<32xf32>
  return
}

// -----

func.func @if_seen_copies(%buffer: memref<?xbf16>, %query: tensor<32x64xbf16>, %max: tensor<32xf32>, %acc: tensor<32x64xf32>, %i: index) {
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32x64xf32> {
    // expected-error @+1 {{'moda_tile.load' op cannot be inside a moda_tile.if_seen: a lowering may skip its body for some threads, and tile copies involve all of them (load the tiles before the step)}}
    %keys = moda_tile.load %buffer[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    moda_tile.yield %max, %acc : tensor<32xf32>, tensor<32x64xf32>
  }
  return
}

// -----

func.func @merge_partial_lse(%part: tensor<32x64xf32>, %plse: tensor<16xf32>, %acc: tensor<32x64xf32>) {
  // expected-error @+1 {{partial_lse must have one entry per row (32), got 'tensor<16xf32>'}}
  %m, %s, %a = moda_tile.merge_partial %part, %plse, %plse, %plse, %acc : tensor<32x64xf32>, tensor<16xf32>
  return
}

// -----

func.func @page_lookup_empty_pages(%table: memref<?xi32>, %i: index) {
  // expected-error @+1 {{'moda_tile.page_lookup' op attribute 'page_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %page, %row = moda_tile.page_lookup %table[%i, %i] pages %i {page_size = 0 : i64, pages_per_entry = 16 : i64} : memref<?xi32>
  return
}
