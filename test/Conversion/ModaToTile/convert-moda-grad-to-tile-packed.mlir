// RUN: moda-opt %s -convert-moda-to-tile | FileCheck %s

// The backward over packed sequences: the launcher allocates delta as lse
// is shaped, [Hq, N] (Hq * N floats), and passes the offsets before it and
// N after L. Each program takes sequence z's bounds and loops over its own
// blocks: dq over blocks of query rows (causal: longest first), dkv over
// blocks of the sequence's keys, d_depth over blocks of its depth entries;
// lse and delta rows are read and written as [Hq, N].

// CHECK-LABEL: func.func @packed_grad
// CHECK: call @moda_attention_grad_0_launch({{.*}}) : ({{.*}}, memref<?xi32>, index, index, index, index, index) -> ()

// CHECK-LABEL: func.func private @moda_attention_grad_0_dq
// CHECK-SAME: (%{{.*}}, %[[LSE:[^:]*]]: memref<?xf32>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %[[CU:[^:]*]]: memref<?xi32>, %[[DELTA:[^:]*]]: memref<?xf32>, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %{{.*}}: index, %[[N:[^:]*]]: index)
// CHECK-SAME: sizes = [B = 3, T = ?, S = ?, L = 3, N = 70]
// CHECK-SAME: <"cu_seqlens" : i32, input, shape = [B+1], strides = [1]>, <"delta" : f32, scratch, shape = [2, N], strides = [N, 1]>
// CHECK: %[[BEGIN:.*]], %[[LENGTH:.*]] = moda_tile.sequence_bounds %[[CU]][%{{.*}}] tokens %[[N]]
// CHECK: scf.for
// CHECK: moda_tile.load %[[LSE]][%[[BEGIN]], {{.*}} extent %[[LENGTH]] strides [%{{.*}}, %[[N]], %{{.*}}] {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>} : memref<?xf32> -> tensor<32xf32>
// CHECK: moda_tile.store %{{.*}}, %[[DELTA]][%[[BEGIN]], {{.*}} strides [%{{.*}}, %[[N]], %{{.*}}] {rows = #moda_tile.rows<kind = lse, heads = 2, group = 2>}

// CHECK-LABEL: func.func private @moda_attention_grad_0_dkv
// CHECK: %[[BEGIN:.*]], %[[LENGTH:.*]] = moda_tile.sequence_bounds
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[LENGTH]], %c32
// CHECK: %[[GRID:.*]] = moda_tile.num_programs x
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[BLOCKS]] step %[[GRID]] {

// CHECK-LABEL: func.func private @moda_attention_grad_0_d_depth
// CHECK: %[[BEGIN:.*]], %[[LENGTH:.*]] = moda_tile.sequence_bounds
// CHECK: %[[ENTRIES:.*]] = arith.muli %[[LENGTH]], %{{.*}}
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[ENTRIES]], %c32
// CHECK: scf.for %{{.*}} = %{{.*}} to %[[BLOCKS]] step %{{.*}} {

// CHECK-LABEL: func.func @moda_attention_grad_0_launch
// CHECK-SAME: %[[N:[^:]*]]: index)
// CHECK: %[[FLOATS:.*]] = arith.muli %c2, %[[N]]
// CHECK: memref.alloc(%[[FLOATS]]) : memref<?xf32>
func.func @packed_grad(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %dk: tensor<70x3x1x64xbf16>, %lse: tensor<2x70xf32>, %cu: tensor<4xi32>, %max: index) -> tensor<70x2x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) depth(%dk, %dk : tensor<70x3x1x64xbf16>, tensor<70x3x1x64xbf16>) out(%q, %lse : tensor<70x2x64xbf16>, tensor<2x70xf32>) d_out(%q : tensor<70x2x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal, config = #moda.config<block_m = 32, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<70x2x64xbf16>) dkv(tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) d_depth(tensor<70x3x1x64xbf16>, tensor<70x3x1x64xbf16>)
  return %dq : tensor<70x2x64xbf16>
}
