// RUN: moda-opt %s -split-input-file -convert-moda-to-tile | FileCheck %s

// Causal attention with per-position depth, G = 2: the unmasked full tiles,
// the masked diagonal tiles and the masked depth span, bounds from
// visible_range; the launcher computes the grid once. The operator takes
// views (strided): every tensor but lse has its strides (all but the innermost) follow the sizes, and each
// load and store of it carries them (depth rows also L, the entries per
// position); the launcher passes a contiguous caller's strides.

// CHECK-LABEL: func.func @causal
// CHECK: call @moda_attention_0_launch

// CHECK-LABEL: func.func private @moda_attention_0
// CHECK-SAME: (%[[Q:[^:]*]]: memref<?xbf16>, %[[K:[^:]*]]: memref<?xbf16>, %[[V:[^:]*]]: memref<?xbf16>, %[[DK:[^:]*]]: memref<?xbf16>, %[[DV:[^:]*]]: memref<?xbf16>, %[[OUT:[^:]*]]: memref<?xbf16>, %[[LSE:[^:]*]]: memref<?xf32>, %[[B:[^:]*]]: index, %[[T:[^:]*]]: index, %[[S:[^:]*]]: index, %[[L:[^:]*]]: index, %[[QS0:[^:]*]]: index, %[[QS1:[^:]*]]: index, %[[QS2:[^:]*]]: index, %[[KS0:[^:]*]]: index, %[[KS1:[^:]*]]: index, %[[KS2:[^:]*]]: index, %[[VS0:[^:]*]]: index, %[[VS1:[^:]*]]: index, %[[VS2:[^:]*]]: index, %[[DKS0:[^:]*]]: index, %[[DKS1:[^:]*]]: index, %[[DKS2:[^:]*]]: index, %[[DKS3:[^:]*]]: index, %[[DVS0:[^:]*]]: index, %[[DVS1:[^:]*]]: index, %[[DVS2:[^:]*]]: index, %[[DVS3:[^:]*]]: index, %[[OS0:[^:]*]]: index, %[[OS1:[^:]*]]: index, %[[OS2:[^:]*]]: index)
// CHECK-SAME: moda.kernel_abi = #moda.kernel_abi<op = attention,
// CHECK-SAME: config = <{{[^>]*}}>
// CHECK-SAME: tensors = [<"q" : bf16, input, shape = [B, T, 2, 64], strides = [?, ?, ?, 1]>,
// CHECK-SAME: <"depth_k" : bf16, input, shape = [B, T, L, 1, 64], strides = [?, ?, ?, ?, 1]>,
// CHECK-SAME: <"lse" : f32, output, shape = [B, 2, T], strides = [T*2, T, 1]>]
// CHECK-SAME: launches = [<"moda_attention_0", grid = [T*2 ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0, writes = ["out", "lse"]>]>
// CHECK-SAME: moda_tile.program
// Causal: block x takes query block blocks - 1 - x (the longest first).
// CHECK-DAG: %[[X:.*]] = moda_tile.program_id x
// CHECK-DAG: %[[HEAD:.*]] = moda_tile.program_id y
// CHECK-DAG: %[[BATCH:.*]] = moda_tile.program_id z
// CHECK: %[[BLOCKS:.*]] = moda_tile.num_programs x
// CHECK: %[[LAST:.*]] = arith.subi %[[BLOCKS]], %c1
// CHECK: %[[BLOCK:.*]] = arith.subi %[[LAST]], %[[X]]
// CHECK: arith.muli %[[BLOCK]], %c32
// CHECK: %[[QT:.*]] = moda_tile.load %[[Q]][%[[BATCH]], %[[HEAD]], %{{.*}}] end %{{.*}} extent %[[T]] strides [%[[QS0]], %[[QS1]], %[[QS2]]] {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
// The first position's range is seen whole by every row of the block (full
// tiles: floor); the last position's bounds the diagonal tiles (ceil).
// CHECK: %{{.*}}, %[[FULL_END:[^ ]*]] = moda_tile.visible_range %{{.*}} (T = %[[T]], S = %[[S]], L = %[[L]]) {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: %{{.*}}, %[[DIAGONAL_END:[^ ]*]] = moda_tile.visible_range {{.*}} {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: %[[FULL:.*]] = arith.divui %[[FULL_END]], %c16
// CHECK: %[[TILES:.*]] = arith.ceildivui %[[DIAGONAL_END]], %c16
// CHECK: scf.for %{{.*}} = %c0{{.*}} to %[[FULL]] step
// CHECK: moda_tile.load %[[K]]{{.*}} strides [%[[KS0]], %[[KS1]], %[[KS2]]] {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
// CHECK: moda_tile.load %[[V]]{{.*}} strides [%[[VS0]], %[[VS1]], %[[VS2]]]
// CHECK: moda_tile.dot %[[QT]], %{{.*}}, %{{.*}} {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
// CHECK-NOT: moda_tile.mask
// CHECK: moda_tile.softmax_update {{.*}} {exp2_scale = 0.18033{{[0-9]+}} : f32}
// CHECK: moda_tile.scale_rows
// CHECK: moda_tile.dot {{.*}} : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
// CHECK: scf.yield
// A masked step's products and softmax update are a moda_tile.if_seen of
// the rule the mask asks (rows that see none of the tile may skip it); its
// loads stay outside, in the loop's body.
// CHECK: scf.for %{{.*}} = %[[FULL]] to %[[TILES]] step
// CHECK: %[[DIAG_ROW:.*]] = arith.addi %{{.*}}, %{{.*}} : index
// CHECK: moda_tile.load %[[K]]
// CHECK: moda_tile.load %[[V]]
// CHECK: moda_tile.if_seen rows %[[ROW0:[^ ]*]] columns %[[DIAG_ROW]] (T = %[[T]], S = %[[S]], L = %[[L]]) carrying %{{.*}}, %{{.*}}, %{{.*}} {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32xf32>, tensor<32xf32>, tensor<32x64xf32> {
// CHECK: moda_tile.dot
// CHECK: moda_tile.mask %{{.*}} rows %[[ROW0]] columns %[[DIAG_ROW]] {{.*}} {group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x16xf32>
// CHECK: moda_tile.softmax_update
// CHECK: moda_tile.dot
// CHECK: moda_tile.yield
// CHECK: moda_tile.visible_range {{.*}} {visibility = #moda_tile.visibility<part = depth>}
// CHECK: scf.for
// CHECK: moda_tile.load %[[DK]]{{.*}} strides [%[[DKS0]], %[[DKS1]], %[[DKS2]], %[[DKS3]]] entries %[[L]] {rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<8x64xbf16>
// CHECK: moda_tile.if_seen {{.*}} {columns = 8 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>}
// CHECK: moda_tile.mask {{.*}} {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x8xf32>
// CHECK: moda_tile.finalize {{.*}} -> tensor<32x64xbf16>
// CHECK: moda_tile.store %{{.*}}, %[[OUT]]{{.*}} strides [%[[OS0]], %[[OS1]], %[[OS2]]] {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>}
// CHECK: moda_tile.store %{{.*}}, %[[LSE]]{{.*}} extent %[[T]] {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : tensor<32xf32>, memref<?xf32>

// CHECK-LABEL: func.func @moda_attention_0_launch
// CHECK-SAME: (%{{[^:]*}}: memref<?xbf16>, {{.*}}, %[[LB:[^:]*]]: index, %[[LT:[^:]*]]: index, %[[LS:[^:]*]]: index, %[[LL:[^:]*]]: index) {
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui
// q's contiguous strides: T*128, 128, 64.
// CHECK: %[[QROWS:.*]] = arith.muli %[[LT]], %c128{{.*}} : index
// CHECK: moda_tile.launch @moda_attention_0 grid(%[[BLOCKS]], %{{.*}}, %{{.*}}) ({{.*}}, %[[LL]], %[[QROWS]], %c128{{.*}}, %c64{{.*}}, {{.*}})
func.func @causal(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>, %dk: tensor<1x40x3x1x64xbf16>) -> tensor<1x40x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dk : tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>) {causal, strided, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  return %o : tensor<1x40x2x64xbf16>
}

// -----

// Depth-only attention: no sequence part at all (and no block order).

// CHECK-LABEL: func.func private @moda_attention_0
// CHECK-NOT: moda_tile.num_programs
// CHECK-NOT: part = sequence
// CHECK: moda_tile.visible_range {{.*}} {visibility = #moda_tile.visibility<part = depth, depth = depth_only>}
// CHECK: moda_tile.mask {{.*}} {group = 1 : i64, visibility = #moda_tile.visibility<part = depth, depth = depth_only>} : tensor<16x16xf32>
// CHECK: moda_tile.finalize
func.func @depth_only(%q: tensor<1x9x1x32xf32>, %dk: tensor<1x9x2x1x32xf32>) -> tensor<1x9x1x32xf32> {
  %o, %l = moda.attention q(%q : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x9x1x32xf32>, tensor<1x1x9xf32>
  return %o : tensor<1x9x1x32xf32>
}

// -----

// Chunk-visible depth, not causal: every sequence tile is a full one but the
// ragged last, and the depth rule carries the chunk size. Every query block
// sees as much: block x takes query block x.

// CHECK-LABEL: func.func private @moda_attention_0
// Contiguous tensors (no `strided`): constant strides, none passed (the
// four sizes end the arguments).
// CHECK-SAME: memref<?xf32>, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index)
// CHECK-SAME: <"q" : f16, input, shape = [B, T, 4, 64], strides = [T*256, 256, 64, 1]>
// CHECK-NOT: moda_tile.num_programs
// CHECK-NOT: strides [
// CHECK: {visibility = #moda_tile.visibility<part = sequence>}
// CHECK: moda_tile.mask {{.*}} {group = 4 : i64, visibility = #moda_tile.visibility<part = sequence>}
// CHECK: moda_tile.visible_range {{.*}} {visibility = #moda_tile.visibility<part = depth, depth = chunk, chunk_size = 5>}
// CHECK: moda_tile.mask {{.*}}visibility = #moda_tile.visibility<part = depth, depth = chunk, chunk_size = 5>}
func.func @chunk(%q: tensor<2x33x4x64xf16>, %k: tensor<2x33x1x64xf16>, %dk: tensor<2x33x1x1x64xf16>) -> tensor<2x33x4x64xf16> {
  %o, %l = moda.attention q(%q : tensor<2x33x4x64xf16>) kv(%k, %k : tensor<2x33x1x64xf16>, tensor<2x33x1x64xf16>) depth(%dk, %dk : tensor<2x33x1x1x64xf16>, tensor<2x33x1x1x64xf16>) {visibility = #moda.visibility<chunk>, chunk_size = 5, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x33x4x64xf16>, tensor<2x4x33xf32>
  return %o : tensor<2x33x4x64xf16>
}

// -----

// A slice operand (a depth stream's entries once buffered) bufferizes to a
// strided subview that a flat view cannot read: the call site copies it
// into a dense tensor first; a whole tensor is passed as it is.

// CHECK-LABEL: func.func @slice_operand
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<1x9x1x32xf32>, %[[BUF:[^:]*]]: tensor<1x9x4x1x32xf32>)
// CHECK: %[[DK:.*]] = tensor.extract_slice %[[BUF]]
// CHECK: bufferization.to_buffer %[[Q]]
// CHECK: %[[DENSE:.*]] = bufferization.alloc_tensor() copy(%[[DK]]) : tensor<1x9x2x1x32xf32>
// CHECK: bufferization.to_buffer %[[DENSE]]
// CHECK: call @moda_attention_0_launch
func.func @slice_operand(%q: tensor<1x9x1x32xf32>, %buffer: tensor<1x9x4x1x32xf32>) -> tensor<1x9x1x32xf32> {
  %dk = tensor.extract_slice %buffer[0, 0, 0, 0, 0] [1, 9, 2, 1, 32] [1, 1, 1, 1, 1] : tensor<1x9x4x1x32xf32> to tensor<1x9x2x1x32xf32>
  %o, %l = moda.attention q(%q : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x9x1x32xf32>, tensor<1x1x9xf32>
  return %o : tensor<1x9x1x32xf32>
}

// -----

// A loop's carried tensor may be a slice too (a loop can carry one): the
// call site copies it; the function's argument is passed as it is.

// CHECK-LABEL: func.func @carried_operand
// CHECK: scf.for {{.*}} iter_args(%[[H:[^ ]*]] = %{{[^)]*}})
// CHECK: %[[DENSE:.*]] = bufferization.alloc_tensor() copy(%[[H]]) : tensor<1x9x1x32xf32>
// CHECK: bufferization.to_buffer %[[DENSE]]
// CHECK-NOT: alloc_tensor
// CHECK: call @moda_attention_0_launch
func.func @carried_operand(%q: tensor<1x9x1x32xf32>, %dk: tensor<1x9x2x1x32xf32>, %n: index) -> tensor<1x9x1x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%h = %q) -> (tensor<1x9x1x32xf32>) {
    %o, %l = moda.attention q(%h : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x9x1x32xf32>, tensor<1x1x9xf32>
    scf.yield %o : tensor<1x9x1x32xf32>
  }
  return %r : tensor<1x9x1x32xf32>
}
