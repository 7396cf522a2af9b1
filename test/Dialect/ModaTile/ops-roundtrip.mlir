// RUN: moda-opt %s | moda-opt | FileCheck %s
// RUN: moda-opt %s -mlir-print-op-generic | moda-opt | FileCheck %s

// Every moda_tile op and attribute prints and parses back unchanged.

// CHECK-LABEL: func.func private @program
// CHECK-SAME: attributes {moda_tile.program}
// CHECK: moda_tile.program_id x
// CHECK: moda_tile.program_id y
// CHECK: moda_tile.program_id z
// CHECK: moda_tile.num_programs x
// CHECK: moda_tile.visible_range %{{.*}} (T = %{{.*}}, S = %{{.*}}, L = %{{.*}}) {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: moda_tile.visible_range {{.*}} {visibility = #moda_tile.visibility<part = depth, depth = chunk, chunk_size = 4>}
// CHECK: moda_tile.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] end %{{.*}} extent %{{.*}} {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
// CHECK: {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
// CHECK: moda_tile.mask %{{.*}} rows %{{.*}} columns %{{.*}} (T = %{{.*}}, S = %{{.*}}, L = %{{.*}}) {group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x16xf32>
// CHECK: moda_tile.softmax_update %{{.*}}, %{{.*}}, %{{.*}} {exp2_scale = 1.250000e-01 : f32} : tensor<32x16xf32>, tensor<32xf32>
// CHECK: moda_tile.scale_rows %{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<32xf32>
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
// CHECK: moda_tile.finalize %{{.*}}, %{{.*}}, %{{.*}} {exp2_scale = 1.250000e-01 : f32} : tensor<32x64xf32>, tensor<32xf32> -> tensor<32x64xbf16>
// CHECK: moda_tile.store %{{.*}}, %{{.*}}[{{.*}}] end %{{.*}} extent %{{.*}} {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : tensor<32x64xbf16>, memref<?xbf16>
// CHECK: moda_tile.store {{.*}} {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<32xf32>, memref<?xf32>
func.func private @program(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index, %L: index) attributes {moda_tile.program} {
  %x = moda_tile.program_id x
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %blocks = moda_tile.num_programs x
  %begin, %end = moda_tile.visible_range %x (T = %T, S = %S, L = %L) {visibility = #moda_tile.visibility<part = sequence, causal = true>}
  %db, %de = moda_tile.visible_range %x (T = %T, S = %S, L = %L) {visibility = #moda_tile.visibility<part = depth, depth = chunk, chunk_size = 4>}
  %query = moda_tile.load %q[%batch, %head, %x] end %T extent %T {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
  %keys = moda_tile.load %k[%batch, %head, %begin] end %end extent %S {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
  %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
  %masked = moda_tile.mask %s rows %x columns %begin (T = %T, S = %S, L = %L) {group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x16xf32>
  %max0 = arith.constant dense<0xFF800000> : tensor<32xf32>
  %sum0 = arith.constant dense<0.0> : tensor<32xf32>
  %acc0 = arith.constant dense<0.0> : tensor<32x64xf32>
  %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max0, %sum0 {exp2_scale = 0.125 : f32} : tensor<32x16xf32>, tensor<32xf32>
  %scaled = moda_tile.scale_rows %acc0, %alpha : tensor<32x64xf32>, tensor<32xf32>
  %acc1 = moda_tile.dot %p, %keys, %scaled : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
  %o, %l = moda_tile.finalize %acc1, %max1, %sum1 {exp2_scale = 0.125 : f32} : tensor<32x64xf32>, tensor<32xf32> -> tensor<32x64xbf16>
  moda_tile.store %o, %out[%batch, %head, %x] end %T extent %T {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : tensor<32x64xbf16>, memref<?xbf16>
  moda_tile.store %l, %lse[%batch, %head, %x] end %T extent %T {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<32xf32>, memref<?xf32>
  return
}

// CHECK-LABEL: func.func @launcher
// CHECK: moda_tile.launch @program grid(%{{.*}}, %{{.*}}, %{{.*}}) (%{{.*}}) : memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xf32>, index, index, index
func.func @launcher(%q: memref<?xbf16>, %k: memref<?xbf16>, %out: memref<?xbf16>, %lse: memref<?xf32>, %T: index, %S: index, %L: index) {
  %c1 = arith.constant 1 : index
  moda_tile.launch @program grid(%T, %c1, %c1) (%q, %k, %out, %lse, %T, %S, %L) : memref<?xbf16>, memref<?xbf16>, memref<?xbf16>, memref<?xf32>, index, index, index
  return
}

// A masked step that groups of rows seeing none of the tile may skip.
// CHECK-LABEL: func.func @masked_step
// CHECK: %{{.*}}:3 = moda_tile.if_seen rows %{{.*}} columns %{{.*}} (T = %{{.*}}, S = %{{.*}}, L = %{{.*}}) carrying %{{.*}}, %{{.*}}, %{{.*}} {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
// CHECK: moda_tile.mask
// CHECK: moda_tile.yield %{{.*}}, %{{.*}}, %{{.*}} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
// CHECK-NEXT: }
func.func @masked_step(%query: tensor<32x64xbf16>, %keys: tensor<16x64xbf16>, %max: tensor<32xf32>, %sum: tensor<32xf32>, %acc: tensor<32x64xf32>, %r: index, %c: index, %T: index, %S: index, %L: index) -> (tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>) {
  %next:3 = moda_tile.if_seen rows %r columns %c (T = %T, S = %S, L = %L) carrying %max, %sum, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %r columns %c (T = %T, S = %S, L = %L) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    %max1, %p, %alpha, %sum1 = moda_tile.softmax_update %masked, %max, %sum {exp2_scale = 0.125 : f32} : tensor<32x16xf32>, tensor<32xf32>
    %scaled = moda_tile.scale_rows %acc, %alpha : tensor<32x64xf32>, tensor<32xf32>
    %acc1 = moda_tile.dot %p, %keys, %scaled : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
    moda_tile.yield %max1, %sum1, %acc1 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
  }
  return %next#0, %next#1, %next#2 : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32>
}

// CHECK-LABEL: func.func @pipelined_copies
// CHECK: %[[F:.*]] = moda_tile.async_load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] end %{{.*}} extent %{{.*}} slot %{{.*}} {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 1 : i64, rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xf16> -> <tensor<16x64xf16>>
// CHECK: moda_tile.commit
// CHECK: %{{.*}} = moda_tile.wait %[[F]] {pending = 1 : i64} : !moda_tile.future<tensor<16x64xf16>>
// CHECK: moda_tile.wait {pending = 0 : i64}
func.func @pipelined_copies(%d: memref<?xf16>, %i: index) -> tensor<16x64xf16> {
  %f = moda_tile.async_load %d[%i, %i, %i] end %i extent %i slot %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 1 : i64, rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xf16> -> !moda_tile.future<tensor<16x64xf16>>
  moda_tile.commit
  %t = moda_tile.wait %f {pending = 1 : i64} : !moda_tile.future<tensor<16x64xf16>>
  moda_tile.wait {pending = 0 : i64}
  return %t : tensor<16x64xf16>
}

// The backward's ops: seeing_range, lse rows per row and as one row, the
// transposed mask, softmax_probs, softmax_grad, row_dot, convert and stores
// of key rows.

// CHECK-LABEL: func.func private @backward
// CHECK: moda_tile.seeing_range %{{.*}} (T = %{{.*}}, S = %{{.*}}, L = %{{.*}}) {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: moda_tile.load {{.*}} {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : memref<?xf32> -> tensor<1x16xf32>
// CHECK: moda_tile.load {{.*}} {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : memref<?xf32> -> tensor<32xf32>
// CHECK: moda_tile.mask %{{.*}} rows %{{.*}} columns %{{.*}} (T = %{{.*}}, S = %{{.*}}, L = %{{.*}}) {group = 2 : i64, transposed, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x16xf32>
// CHECK: moda_tile.softmax_probs %{{.*}}, %{{.*}} {exp2_scale = 1.250000e-01 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
// CHECK: moda_tile.softmax_grad %{{.*}}, %{{.*}}, %{{.*}} {scale = 2.500000e-01 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
// CHECK: moda_tile.row_dot %{{.*}}, %{{.*}} : tensor<32x64xbf16> -> tensor<32xf32>
// CHECK: moda_tile.convert %{{.*}} : tensor<32x64xf32> -> tensor<32x64xbf16>
// CHECK: moda_tile.store {{.*}} {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<32x64xbf16>, memref<?xbf16>
func.func private @backward(%k: memref<?xbf16>, %lse: memref<?xf32>, %s: tensor<32x16xf32>, %rows: tensor<32x64xbf16>, %acc: tensor<32x64xf32>, %T: index, %S: index, %L: index) attributes {moda_tile.program} {
  %x = moda_tile.program_id x
  %begin, %end = moda_tile.seeing_range %x (T = %T, S = %S, L = %L) {visibility = #moda_tile.visibility<part = sequence, causal = true>}
  %columns = moda_tile.load %lse[%x, %x, %begin] end %end extent %T {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : memref<?xf32> -> tensor<1x16xf32>
  %perRow = moda_tile.load %lse[%x, %x, %begin] end %end extent %T {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : memref<?xf32> -> tensor<32xf32>
  %m = moda_tile.mask %s rows %x columns %begin (T = %T, S = %S, L = %L) {group = 2 : i64, transposed, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x16xf32>
  %p = moda_tile.softmax_probs %m, %columns {exp2_scale = 0.125 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
  %ds = moda_tile.softmax_grad %p, %p, %columns {scale = 0.25 : f32} : tensor<32x16xf32>, tensor<1x16xf32>
  %delta = moda_tile.row_dot %rows, %rows : tensor<32x64xbf16> -> tensor<32xf32>
  %c = moda_tile.convert %acc : tensor<32x64xf32> -> tensor<32x64xbf16>
  moda_tile.store %c, %k[%x, %x, %x] end %S extent %S {rows = #moda_tile.rows<kind = key, heads = 2>} : tensor<32x64xbf16>, memref<?xbf16>
  return
}

// A warpgroup product reading its left operand (a loaded tile) from shared
// memory.

// CHECK-LABEL: func.func @left_operand_from_shared
// CHECK: moda_tile.dot %{{.*}}, %{{.*}}, %{{.*}} {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
func.func @left_operand_from_shared(%k: memref<?xbf16>, %i: index) -> tensor<64x64xf32> {
  %keys = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<64x64xbf16>
  %zeros = arith.constant dense<0.0> : tensor<64x64xf32>
  %s = moda_tile.dot %keys, %keys, %zeros {layout = #moda_tile.layout<kind = wgmma, num_warps = 4>, lhs_from_shared, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
  return %s : tensor<64x64xf32>
}

// Strided tensors: three strides for query and key rows, four and the
// entries per position for depth rows.
// CHECK-LABEL: func.func @strided
// CHECK: moda_tile.load %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] end %{{.*}} extent %{{.*}} strides [%{{.*}}, %{{.*}}, %{{.*}}] {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>}
// CHECK: moda_tile.load %{{.*}} strides [%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}] entries %{{.*}} {rows = #moda_tile.rows<kind = depth, heads = 2>}
// CHECK: moda_tile.async_load %{{.*}} strides [%{{.*}}, %{{.*}}, %{{.*}}] slot %{{.*}} {copy
// CHECK: moda_tile.store %{{.*}} strides [%{{.*}}, %{{.*}}, %{{.*}}] {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>}
func.func @strided(%q: memref<?xbf16>, %d: memref<?xbf16>, %k: memref<?xbf16>, %i: index, %s0: index, %s1: index, %s2: index, %s3: index) {
  %t = moda_tile.load %q[%i, %i, %i] end %i extent %i strides [%s0, %s1, %s2] {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
  %e = moda_tile.load %d[%i, %i, %i] end %i extent %i strides [%s0, %s1, %s2, %s3] entries %i {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xbf16> -> tensor<16x64xbf16>
  %f = moda_tile.async_load %k[%i, %i, %i] end %i extent %i strides [%s0, %s1, %s2] slot %i {copy = #moda_tile.copy<kind = cp_async, stages = 2>, multi_buffer = 0 : i64, rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> !moda_tile.future<tensor<16x64xbf16>>
  moda_tile.store %t, %q[%i, %i, %i] end %i extent %i strides [%s0, %s1, %s2] {rows = #moda_tile.rows<kind = query, heads = 4, group = 2>} : tensor<32x64xbf16>, memref<?xbf16>
  return
}

// Packed sequences: a sequence's bounds from its offsets, and lse rows of
// [Hq, N] with a stride per dimension (batch entry, query head, position).
// CHECK-LABEL: func.func private @packed
// CHECK: %{{.*}}, %{{.*}} = moda_tile.sequence_bounds %{{.*}}[%{{.*}}] tokens %{{.*}} : memref<?xi32>
// CHECK: moda_tile.store %{{.*}}, %{{.*}}[%{{.*}}, %{{.*}}, %{{.*}}] end %{{.*}} extent %{{.*}} strides [%{{.*}}, %{{.*}}, %{{.*}}] {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<32xf32>, memref<?xf32>
func.func private @packed(%cu: memref<?xi32>, %lse: memref<?xf32>, %N: index, %row: tensor<32xf32>) attributes {moda_tile.program} {
  %c1 = arith.constant 1 : index
  %head = moda_tile.program_id y
  %sequence = moda_tile.program_id z
  %begin, %length = moda_tile.sequence_bounds %cu[%sequence] tokens %N : memref<?xi32>
  moda_tile.store %row, %lse[%begin, %head, %c1] end %length extent %length strides [%c1, %N, %c1] {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<32xf32>, memref<?xf32>
  return
}

// A paged cache: a key's page and row from the block table, the tile
// loaded from that page.
// CHECK-LABEL: func.func private @paged
// CHECK: %[[PAGE:.*]], %[[ROW:.*]] = moda_tile.page_lookup %{{.*}}[%{{.*}}, %{{.*}}] pages %{{.*}} {page_size = 64 : i64, pages_per_entry = 16 : i64} : memref<?xi32>
// CHECK: moda_tile.load %{{.*}}[%[[PAGE]], %{{.*}}, %[[ROW]]] end %{{.*}} extent %{{.*}} {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
func.func private @paged(%table: memref<?xi32>, %k: memref<?xbf16>, %key: index, %pages: index, %end: index) attributes {moda_tile.program} {
  %c64 = arith.constant 64 : index
  %head = moda_tile.program_id y
  %batch = moda_tile.program_id z
  %page, %row = moda_tile.page_lookup %table[%batch, %key] pages %pages {page_size = 64 : i64, pages_per_entry = 16 : i64} : memref<?xi32>
  %tile = moda_tile.load %k[%page, %head, %row] end %end extent %c64 {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
  return
}

// Split-KV's merge step.
// CHECK-LABEL: func.func @merge_step
// CHECK: %{{.*}}, %{{.*}}, %{{.*}} = moda_tile.merge_partial %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : tensor<32x64xf32>, tensor<32xf32>
func.func @merge_step(%part: tensor<32x64xf32>, %plse: tensor<32xf32>, %max: tensor<32xf32>, %sum: tensor<32xf32>, %acc: tensor<32x64xf32>) -> tensor<32x64xf32> {
  %m, %s, %a = moda_tile.merge_partial %part, %plse, %max, %sum, %acc : tensor<32x64xf32>, tensor<32xf32>
  return %a : tensor<32x64xf32>
}
