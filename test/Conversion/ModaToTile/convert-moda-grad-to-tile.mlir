// RUN: moda-opt %s -split-input-file -convert-moda-to-tile | FileCheck %s

// Causal backward with per-position depth, G = 2: three programs launched
// in order (dq, dkv, d_depth) by one launcher that allocates delta (freed
// by the target lowering: the host's buffer deallocation, the GPU's).

// CHECK-LABEL: func.func @causal
// CHECK: call @moda_attention_grad_0_launch

// The dq program: the forward's walk over key tiles, P recomputed from lse,
// delta = rowsum(d_out * out) stored for the key-side programs.
// CHECK-LABEL: func.func private @moda_attention_grad_0_dq
// CHECK-SAME: config = <{{[^>]*}}>
// CHECK-SAME: launches = [<"moda_attention_grad_0_dq", grid = [T*2 ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0, writes = ["dq"]>, <"moda_attention_grad_0_dkv", grid = [S ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0, writes = ["dk", "dv"]>, <"moda_attention_grad_0_d_depth", grid = [T*L ceildiv 32, 1, B], threads = 32, dynamic_shared_memory = 0, writes = ["d_depth_k", "d_depth_v"]>]>
// CHECK-SAME: moda_tile.program
// Causal: the longest query blocks first, as in the forward.
// CHECK: %[[ID:.*]] = moda_tile.program_id x
// CHECK: %[[BLOCKS:.*]] = moda_tile.num_programs x
// CHECK: %[[LAST:.*]] = arith.subi %[[BLOCKS]], %c1
// CHECK: arith.subi %[[LAST]], %[[ID]]
// CHECK: %[[Q:.*]] = moda_tile.load {{.*}}kind = query{{.*}} -> tensor<32x64xbf16>
// CHECK: %[[DO:.*]] = moda_tile.load {{.*}}kind = query{{.*}} -> tensor<32x64xbf16>
// CHECK: %[[O:.*]] = moda_tile.load {{.*}}kind = query{{.*}} -> tensor<32x64xbf16>
// CHECK: %[[LSE:.*]] = moda_tile.load {{.*}} {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> tensor<32xf32>
// CHECK: %[[DELTA:.*]] = moda_tile.row_dot %[[DO]], %[[O]] : tensor<32x64xbf16> -> tensor<32xf32>
// CHECK: moda_tile.store %[[DELTA]]
// CHECK: scf.for
// CHECK: moda_tile.dot %[[Q]], {{.*}} {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
// CHECK-NOT: moda_tile.mask
// CHECK: %[[P:.*]] = moda_tile.softmax_probs %{{.*}}, %[[LSE]] {exp2_scale = {{.*}}} : tensor<32x16xf32>, tensor<32xf32>
// CHECK: %[[DP:.*]] = moda_tile.dot %[[DO]], %{{.*}} {transpose_rhs}
// CHECK: %[[DS:.*]] = moda_tile.softmax_grad %[[P]], %[[DP]], %[[DELTA]] {scale = 1.250000e-01 : f32} : tensor<32x16xf32>, tensor<32xf32>
// CHECK: moda_tile.dot %[[DS]], %{{.*}}, %{{.*}} : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
// The masked steps (diagonal, depth) inside a moda_tile.if_seen carrying dq:
// a row that sees none of the tile adds dS = 0.
// CHECK: scf.for
// CHECK: moda_tile.if_seen {{.*}} carrying %{{[^ ]*}} {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<32x64xf32> {
// CHECK: moda_tile.mask {{.*}} {group = 2 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: moda_tile.yield %{{.*}} : tensor<32x64xf32>
// CHECK: scf.for
// CHECK: moda_tile.if_seen {{.*}} {columns = 8 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x64xf32> {
// CHECK: moda_tile.mask {{.*}} {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>}
// CHECK: %[[DQ:.*]] = moda_tile.convert %{{.*}} : tensor<32x64xf32> -> tensor<32x64xbf16>
// CHECK: moda_tile.store %[[DQ]]

// The dkv program: a block of keys as rows, the query tiles that see it
// from moda_tile.seeing_range, lse and delta as one row per query tile.
// CHECK-LABEL: func.func private @moda_attention_grad_0_dkv
// CHECK: %[[K:.*]] = moda_tile.load {{.*}} {rows = #moda_tile.rows<kind = key, heads = 1>} : memref<?xbf16> -> tensor<32x64xbf16>
// CHECK: moda_tile.seeing_range {{.*}} {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: moda_tile.seeing_range {{.*}} {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: scf.for
// CHECK: %[[QT:.*]] = moda_tile.load {{.*}}kind = query{{.*}} -> tensor<16x64xbf16>
// CHECK: %[[CLSE:.*]] = moda_tile.load {{.*}} {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> tensor<1x16xf32>
// CHECK: moda_tile.dot %[[K]], %[[QT]], %{{.*}} {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
// CHECK: moda_tile.mask {{.*}} {group = 2 : i64, transposed, visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: moda_tile.softmax_probs %{{.*}}, %[[CLSE]] {{.*}} : tensor<32x16xf32>, tensor<1x16xf32>
// CHECK: moda_tile.softmax_grad {{.*}} : tensor<32x16xf32>, tensor<1x16xf32>
// CHECK: moda_tile.dot %{{.*}}, %[[QT]], %{{.*}} : tensor<32x16xf32>, tensor<16x64xbf16> -> tensor<32x64xf32>
// CHECK: scf.for
// CHECK-NOT: moda_tile.mask
// CHECK: scf.yield
// CHECK: scf.for
// CHECK: moda_tile.mask {{.*}}transposed
// CHECK: moda_tile.store {{.*}} {rows = #moda_tile.rows<kind = key, heads = 1>} : tensor<32x64xbf16>, memref<?xbf16>
// CHECK: moda_tile.store {{.*}} {rows = #moda_tile.rows<kind = key, heads = 1>} : tensor<32x64xbf16>, memref<?xbf16>

// The d_depth program: the same over depth entries, every tile masked.
// CHECK-LABEL: func.func private @moda_attention_grad_0_d_depth
// CHECK: moda_tile.load {{.*}} {rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<32x64xbf16>
// CHECK: moda_tile.seeing_range {{.*}} {visibility = #moda_tile.visibility<part = depth>}
// CHECK: scf.for
// CHECK: moda_tile.mask {{.*}}transposed, visibility = #moda_tile.visibility<part = depth>}
// CHECK-NOT: scf.for
// CHECK: moda_tile.store {{.*}}kind = depth

// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK: %[[DELTA_BUFFER:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: moda_tile.launch @moda_attention_grad_0_dq
// CHECK: moda_tile.launch @moda_attention_grad_0_dkv
// CHECK: moda_tile.launch @moda_attention_grad_0_d_depth grid({{.*}}) ({{.*}}%[[DELTA_BUFFER]],
// CHECK-NOT: memref.dealloc
func.func @causal(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>, %dk: tensor<1x40x3x1x64xbf16>, %o: tensor<1x40x2x64xbf16>, %lse: tensor<1x2x40xf32>) -> tensor<1x40x2x64xbf16> {
  %dq, %dkk, %dvv, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dk : tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>) out(%o, %lse : tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>) d_out(%o : tensor<1x40x2x64xbf16>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x40x2x64xbf16>) dkv(tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) d_depth(tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>)
  return %dq : tensor<1x40x2x64xbf16>
}

// -----

// Depth-only backward: dq and d_depth, no dkv program.

// CHECK-LABEL: func.func private @moda_attention_grad_0_dq
// CHECK-NOT: part = sequence
// CHECK-LABEL: func.func private @moda_attention_grad_0_d_depth
// CHECK: moda_tile.mask {{.*}}transposed, visibility = #moda_tile.visibility<part = depth, depth = depth_only>}
// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK: moda_tile.launch @moda_attention_grad_0_dq
// CHECK-NOT: @moda_attention_grad_0_dkv
// CHECK: moda_tile.launch @moda_attention_grad_0_d_depth
func.func @depth_only(%q: tensor<1x9x1x32xf32>, %dk: tensor<1x9x2x1x32xf32>, %o: tensor<1x9x1x32xf32>, %lse: tensor<1x1x9xf32>) -> tensor<1x9x1x32xf32> {
  %dq, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x9x1x32xf32>) depth(%dk, %dk : tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>) out(%o, %lse : tensor<1x9x1x32xf32>, tensor<1x1x9xf32>) d_out(%o : tensor<1x9x1x32xf32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x9x1x32xf32>) d_depth(tensor<1x9x2x1x32xf32>, tensor<1x9x2x1x32xf32>)
  return %dq : tensor<1x9x1x32xf32>
}

// -----

// Per-position depth entries are seen by the G rows of their own position
// only: the d_depth program walks query tiles of G rows rounded up to 16
// (here 16, G = 2), where the dkv program walks tiles of block_n (64).

// CHECK-LABEL: func.func private @moda_attention_grad_0_dkv
// CHECK: scf.for
// CHECK: moda_tile.load {{.*}}kind = query{{.*}} -> tensor<64x64xbf16>
// CHECK-LABEL: func.func private @moda_attention_grad_0_d_depth
// CHECK: moda_tile.load {{.*}}kind = depth{{.*}} -> tensor<64x64xbf16>
// CHECK: scf.for
// CHECK: moda_tile.load {{.*}}kind = query{{.*}} -> tensor<16x64xbf16>
// CHECK: moda_tile.load {{.*}}kind = lse{{.*}} -> tensor<1x16xf32>
func.func @per_position_rows(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>, %dk: tensor<1x40x3x1x64xbf16>, %o: tensor<1x40x2x64xbf16>, %lse: tensor<1x2x40xf32>) -> tensor<1x40x2x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dk : tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>) out(%o, %lse : tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>) d_out(%o : tensor<1x40x2x64xbf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<1x40x2x64xbf16>) dkv(tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) d_depth(tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>)
  return %dq : tensor<1x40x2x64xbf16>
}

// -----

// Views (strided): every tensor but lse and delta takes its strides as
// arguments after the sizes; loads and stores carry them (depth also L),
// the launcher passes a contiguous caller's.
// CHECK-LABEL: func.func private @moda_attention_grad_0_dq
// CHECK-SAME: <"q" : bf16, input, shape = [B, T, 2, 64], strides = [?, ?, ?, 1]>
// CHECK-SAME: <"lse" : f32, input, shape = [B, 2, T], strides = [T*2, T, 1]>
// CHECK-SAME: <"d_depth_k" : bf16, output, shape = [B, T, L, 1, 64], strides = [?, ?, ?, ?, 1]>
// CHECK-SAME: <"delta" : f32, scratch, shape = [B, 2, T], strides = [T*2, T, 1]>
// CHECK: moda_tile.load {{.*}} strides [{{.*}}] {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>}
// CHECK: moda_tile.store {{.*}} extent %{{[^ ]*}} {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>}
// CHECK: moda_tile.store {{.*}} strides [{{.*}}] {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>}
// CHECK-LABEL: func.func private @moda_attention_grad_0_d_depth
// CHECK: moda_tile.store {{.*}} strides [%{{[^,]*}}, %{{[^,]*}}, %{{[^,]*}}, %{{[^]]*}}] entries %{{[^ ]*}} {rows = #moda_tile.rows<kind = depth, heads = 1>}
// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK-SAME: %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index) {
// CHECK: memref.alloc
// CHECK: moda_tile.launch @moda_attention_grad_0_dq
func.func @views(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>, %dk: tensor<1x40x3x1x64xbf16>, %o: tensor<1x40x2x64xbf16>, %lse: tensor<1x2x40xf32>) -> tensor<1x40x2x64xbf16> {
  %dq, %dkk, %dvv, %ddk, %ddv = moda.attention_grad q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dk : tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>) out(%o, %lse : tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>) d_out(%o : tensor<1x40x2x64xbf16>) {causal, strided, config = #moda.config<block_m = 32, block_n = 16, block_depth = 8, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x40x2x64xbf16>) dkv(tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) d_depth(tensor<1x40x3x1x64xbf16>, tensor<1x40x3x1x64xbf16>)
  return %dq : tensor<1x40x2x64xbf16>
}
