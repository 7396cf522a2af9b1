// RUN: moda-opt %s -split-input-file -convert-moda-to-tile | FileCheck %s

// Packed sequences, causal, per-position depth, G = 2: the launcher passes
// the offsets after lse and the sizes B (sequences: offsets - 1), T and S
// (max_seqlen), L and N (tokens). The program takes sequence z's bounds
// (its first token stands where the batch entry stood, its length is T and
// S), walks its query blocks x, x + (blocks along x), ... longest first,
// and reads every tensor as a view of token-major rows; lse as [Hq, N].

// CHECK-LABEL: func.func @packed
// CHECK-SAME: (%[[Q:[^:]*]]: tensor<70x2x64xbf16>, %{{.*}}: tensor<70x1x64xbf16>, %{{.*}}: tensor<70x1x64xbf16>, %{{.*}}: tensor<70x3x1x64xbf16>, %{{.*}}: tensor<70x3x1x64xbf16>, %[[CU:[^:]*]]: tensor<4xi32>, %[[MAX:[^:]*]]: index)
// CHECK: %[[OFFSETS:.*]] = tensor.dim %[[CU]], %c0
// CHECK: %[[SEQUENCES:.*]] = arith.subi %[[OFFSETS]], %c1
// CHECK: memref.alloc() : memref<70x2x64xbf16>
// CHECK: memref.alloc() : memref<2x70xf32>
// CHECK: %[[CUBUF:.*]] = memref.cast %{{.*}} : memref<4xi32> to memref<?xi32>
// CHECK: call @moda_attention_0_launch({{.*}}, %[[CUBUF]], %[[SEQUENCES]], %[[MAX]], %[[MAX]], %{{.*}}, %{{.*}}) : ({{.*}}memref<?xf32>, memref<?xi32>, index, index, index, index, index) -> ()

// CHECK-LABEL: func.func private @moda_attention_0
// CHECK-SAME: (%[[QB:[^:]*]]: memref<?xbf16>, %[[KB:[^:]*]]: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %[[DKB:[^:]*]]: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %[[OUTB:[^:]*]]: memref<?xbf16>, %[[LSEB:[^:]*]]: memref<?xf32>, %[[CUB:[^:]*]]: memref<?xi32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[L:[^:]*]]: index, %[[N:[^:]*]]: index)
// CHECK-SAME: sizes = [B = 3, T = ?, S = ?, L = 3, N = 70]
// CHECK-SAME: <"q" : bf16, input, shape = [N, 2, 64], strides = [128, 64, 1]>
// CHECK-SAME: <"depth_k" : bf16, input, shape = [N, L, 1, 64], strides = [L*64, 64, 64, 1]>
// CHECK-SAME: <"lse" : f32, output, shape = [2, N], strides = [N, 1]>
// CHECK-SAME: <"cu_seqlens" : i32, input, shape = [B+1], strides = [1]>
// CHECK-SAME: grid = [T*2 ceildiv 32, 1, B]
// CHECK: %[[X:.*]] = moda_tile.program_id x
// CHECK: %[[HEAD:.*]] = moda_tile.program_id y
// CHECK: %[[SEQ:.*]] = moda_tile.program_id z
// CHECK: %[[BEGIN:.*]], %[[LENGTH:.*]] = moda_tile.sequence_bounds %[[CUB]][%[[SEQ]]] tokens %[[N]] : memref<?xi32>
// CHECK: %[[ROWS:.*]] = arith.muli %[[LENGTH]], %c2
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[ROWS]], %c32
// CHECK: %[[GRID:.*]] = moda_tile.num_programs x
// CHECK: scf.for %[[I:.*]] = %[[X]] to %[[BLOCKS]] step %[[GRID]] {
// CHECK: %[[LAST:.*]] = arith.subi %[[BLOCKS]], %c1
// CHECK: arith.subi %[[LAST]], %[[I]]
// CHECK: moda_tile.load %[[QB]][%[[BEGIN]], %[[HEAD]], %{{.*}}] end %{{.*}} extent %[[LENGTH]] strides [%c128{{.*}}, %c128{{.*}}, %c64{{.*}}] {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>}
// CHECK: moda_tile.visible_range %{{.*}} (T = %[[LENGTH]], S = %[[LENGTH]], L = %[[L]]) {visibility = #moda_tile.visibility<part = sequence, causal = true>}
// CHECK: moda_tile.load %[[KB]][%[[BEGIN]], %[[HEAD]], %{{.*}}] end %[[LENGTH]] extent %[[LENGTH]] strides [%c64{{.*}}, %c64{{.*}}, %c64{{.*}}]
// CHECK: moda_tile.load %[[DKB]][%[[BEGIN]], %[[HEAD]], %{{.*}}] end %{{.*}} extent %{{.*}} strides [%[[DEPTH_POSITION:[^,]*]], %[[DEPTH_POSITION]], %c64{{.*}}, %c64{{.*}}] entries %[[L]]
// CHECK: moda_tile.store %{{.*}}, %[[OUTB]][%[[BEGIN]], %[[HEAD]], %{{.*}}] {{.*}} strides [%c128{{.*}}, %c128{{.*}}, %c64{{.*}}]
// CHECK: moda_tile.store %{{.*}}, %[[LSEB]][%[[BEGIN]], %[[HEAD]], %{{.*}}] {{.*}} strides [%c1{{.*}}, %[[N]], %c1{{.*}}] {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>}
func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %v: tensor<70x1x64xbf16>, %dk: tensor<70x3x1x64xbf16>, %dv: tensor<70x3x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> (tensor<70x2x64xbf16>, tensor<2x70xf32>) {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %v : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) depth(%dk, %dv : tensor<70x3x1x64xbf16>, tensor<70x3x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o, %l : tensor<70x2x64xbf16>, tensor<2x70xf32>
}

// -----

// Depth-only: no sequence keys, so S is 0 and only T is max_seqlen.
// CHECK-LABEL: func.func @packed_depth_only
// CHECK-SAME: %[[MAX:[^:]*]]: index)
// CHECK: call @moda_attention_0_launch({{.*}}, %{{.*}}, %[[MAX]], %c0{{.*}}, %{{.*}}, %{{.*}}) :
func.func @packed_depth_only(%q: tensor<41x4x32xf32>, %dk: tensor<41x7x2x32xf32>, %cu: tensor<3xi32>, %max: index) -> tensor<4x41xf32> {
  %o, %l = moda.attention q(%q : tensor<41x4x32xf32>) depth(%dk, %dk : tensor<41x7x2x32xf32>, tensor<41x7x2x32xf32>) packed(%cu, %max : tensor<3xi32>) {visibility = #moda.visibility<depth_only>, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<41x4x32xf32>, tensor<4x41xf32>
  return %l : tensor<4x41xf32>
}
