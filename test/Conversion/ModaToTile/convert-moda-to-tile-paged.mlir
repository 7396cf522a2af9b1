// RUN: moda-opt %s -split-input-file -convert-moda-to-tile | FileCheck %s

// A paged KV cache: the launcher passes the block table after lse and the
// sizes B, T, S (num_keys), L and N (the pool's pages). The ABI gives k and
// v as a pool [N, page_size, Hk, D] and the table as [B, W]. Each key tile
// looks its page up once (moda_tile.page_lookup on the tile's first key)
// and loads keys and values from that page at the key's row in it, the
// page in the place of the batch entry, rows past the cached keys (S less
// the page's first key) zeros; the masks stay in logical keys.

// CHECK-LABEL: func.func @paged
// CHECK-SAME: (%{{.*}}: tensor<2x1x4x64xbf16>, %[[K:[^:]*]]: tensor<?x64x2x64xbf16>, %{{.*}}: tensor<2x5xi32>, %[[S:[^:]*]]: index)
// CHECK: %[[PAGES:.*]] = tensor.dim %[[K]], %c0
// CHECK: %[[TABLE:.*]] = memref.cast %{{.*}} : memref<10xi32> to memref<?xi32>
// CHECK: call @moda_attention_0_launch({{.*}}, %[[TABLE]], %{{.*}}, %{{.*}}, %[[S]], %{{.*}}, %[[PAGES]]) : ({{.*}}memref<?xf32>, memref<?xi32>, index, index, index, index, index) -> ()

// CHECK-LABEL: func.func private @moda_attention_0
// CHECK-SAME: (%{{.*}}: memref<?xbf16>, %[[KB:[^:]*]]: memref<?xbf16>, %[[VB:[^:]*]]: memref<?xbf16>, %{{.*}}: memref<?xbf16>, %{{.*}}: memref<?xf32>, %[[TB:[^:]*]]: memref<?xi32>, %{{.*}}: index, %{{.*}}: index, %[[KEYS:[^:]*]]: index, %{{.*}}: index, %[[N:[^:]*]]: index)
// CHECK-SAME: sizes = [B = 2, T = 1, S = ?, L = 0, N = ?]
// CHECK-SAME: <"k" : bf16, input, shape = [N, 64, 2, 64], strides = [8192, 128, 64, 1]>
// CHECK-SAME: <"block_table" : i32, input, shape = [B, 5], strides = [5, 1]>
// CHECK: %[[BATCH:.*]] = moda_tile.program_id z
// CHECK: scf.for
// CHECK: %[[FIRST:.*]] = arith.addi
// CHECK: %[[PAGE:.*]], %[[ROW:.*]] = moda_tile.page_lookup %[[TB]][%[[BATCH]], %[[FIRST]]] pages %[[N]] {page_size = 64 : i64, pages_per_entry = 5 : i64} : memref<?xi32>
// CHECK: %[[PAGEFIRST:.*]] = arith.subi %[[FIRST]], %[[ROW]]
// CHECK: %[[PAGEEND:.*]] = arith.subi %[[KEYS]], %[[PAGEFIRST]]
// CHECK: %[[EMPTY:.*]] = arith.cmpi eq, %[[N]], %c0
// CHECK: %[[END:.*]] = arith.select %[[EMPTY]], %c0{{.*}}, %[[PAGEEND]]
// CHECK: moda_tile.load %[[KB]][%[[PAGE]], %{{.*}}, %[[ROW]]] end %[[END]] extent %c64{{.*}} {rows = #moda_tile.rows<kind = key, heads = 2>} : memref<?xbf16> -> tensor<32x64xbf16>
// CHECK-NEXT: moda_tile.load %[[VB]][%[[PAGE]], %{{.*}}, %[[ROW]]] end %[[END]] extent %c64{{.*}}
// CHECK-NOT: moda_tile.page_lookup
// CHECK: moda_tile.dot
// The masked tiles at the diagonal: their own lookup, masks on logical keys.
// CHECK: scf.for
// CHECK: %[[MFIRST:.*]] = arith.addi
// CHECK: moda_tile.page_lookup %[[TB]][%[[BATCH]], %[[MFIRST]]]
// CHECK: moda_tile.mask %{{.*}} rows %{{.*}} columns %[[MFIRST]]
func.func @paged(%q: tensor<2x1x4x64xbf16>, %k: tensor<?x64x2x64xbf16>, %t: tensor<2x5xi32>, %s: index) -> (tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>) paged(%t, %s : tensor<2x5xi32>) {causal, config = #moda.config<block_m = 16, block_n = 32, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return %o, %l : tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
}

// -----

// Views (`strided`): the pool's page, row and head strides are kernel
// arguments, and the loads take them as the batch, key and head strides.

// CHECK-LABEL: func.func private @moda_attention_0
// CHECK-SAME: <"k" : bf16, input, shape = [N, 64, 2, 64], strides = [?, ?, ?, 1]>
// CHECK-SAME: <"block_table" : i32, input, shape = [B, 5], strides = [5, 1]>
// CHECK: %[[PAGE:.*]], %[[ROW:.*]] = moda_tile.page_lookup
// CHECK: moda_tile.load %{{.*}}[%[[PAGE]], %{{.*}}, %[[ROW]]] end %{{.*}} extent %c64{{.*}} strides [%{{.*}}, %{{.*}}, %{{.*}}] {rows = #moda_tile.rows<kind = key, heads = 2>}
func.func @paged_views(%q: tensor<2x1x4x64xbf16>, %k: tensor<?x64x2x64xbf16>, %t: tensor<2x5xi32>, %s: index) -> (tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>) {
  %o, %l = moda.attention q(%q : tensor<2x1x4x64xbf16>) kv(%k, %k : tensor<?x64x2x64xbf16>, tensor<?x64x2x64xbf16>) paged(%t, %s : tensor<2x5xi32>) {causal, strided, config = #moda.config<block_m = 16, block_n = 32, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
  return %o, %l : tensor<2x1x4x64xbf16>, tensor<2x4x1xf32>
}
