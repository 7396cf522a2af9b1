// RUN: moda-opt %s -split-input-file -convert-moda-to-tile | FileCheck %s

// Split-KV (kv_splits = 3, Hk = 2): the split program takes block y as
// split * Hk + head, cuts its query block's key tiles into three
// contiguous shares (the unmasked and masked loops each within the share),
// takes the depth span in the last share only, and stores its f32 result
// and lse at batch entry split * B + b of the scratch partials. The merge
// program folds the three shares; the launcher allocates the partials
// (3 * B * T * 8 * 64 and 3 * B * 8 * T floats) and runs both programs,
// the split one on Hk * 3 = 6 blocks along y.

// CHECK-LABEL: func.func private @moda_attention_0(
// CHECK-SAME: %[[PO:[^:]*]]: memref<?xf32>, %[[PL:[^:]*]]: memref<?xf32>, %[[B:[^:]*]]: index, %{{[^:]*}}: index, %{{[^:]*}}: index, %{{[^:]*}}: index)
// CHECK-SAME: <"partial_out" : f32, scratch, shape = [3, B, T, 8, 64]
// CHECK-SAME: <"partial_lse" : f32, scratch, shape = [3, B, 8, T]
// CHECK-SAME: launches = [<"moda_attention_0", grid = [T*4 ceildiv 64, 6, B], {{.*}}>, <"moda_attention_0_merge", grid = [T*4 ceildiv 64, 2, B], {{.*}}writes = ["out", "lse"]>]
// CHECK: %[[Y:.*]] = moda_tile.program_id y
// CHECK: %[[SPLIT:.*]] = arith.divui %[[Y]], %c2
// CHECK: %[[HEAD:.*]] = arith.remui %[[Y]], %c2
// CHECK: %[[TILES:.*]] = arith.ceildivui %{{.*}}, %c64
// CHECK: %[[PER:.*]] = arith.ceildivui %[[TILES]], %c3
// CHECK: %[[FIRST:.*]] = arith.muli %[[SPLIT]], %[[PER]]
// CHECK: %[[BEGIN:.*]] = arith.minui %[[FIRST]], %[[TILES]]
// CHECK: scf.for %{{.*}} = %{{.*}} to %{{.*}} step
// CHECK: moda_tile.load %{{.*}}[%{{.*}}, %[[HEAD]], %{{.*}}] {{.*}}kind = key
// CHECK: %[[LAST:.*]] = arith.cmpi eq, %[[SPLIT]], %c2
// CHECK: arith.select %[[LAST]]
// CHECK: %[[OUT:.*]], %[[LSE:.*]] = moda_tile.finalize {{.*}} -> tensor<64x64xf32>
// CHECK: %[[SB0:.*]] = arith.muli %[[SPLIT]], %[[B]]
// CHECK: %[[SB:.*]] = arith.addi %[[SB0]],
// CHECK: moda_tile.store %[[OUT]], %[[PO]][%[[SB]], %[[HEAD]], {{.*}} : tensor<64x64xf32>, memref<?xf32>
// CHECK: moda_tile.store %[[LSE]], %[[PL]][%[[SB]], %[[HEAD]], {{.*}} : tensor<64xf32>, memref<?xf32>

// CHECK-LABEL: func.func private @moda_attention_0_merge(
// CHECK-SAME: %[[PO:[^:]*]]: memref<?xf32>, %[[PL:[^:]*]]: memref<?xf32>, %[[B:[^:]*]]: index
// CHECK: %[[M:.*]]:3 = scf.for %[[S:.*]] = %c0{{.*}} to %c3{{.*}} step
// CHECK: %[[SB0:.*]] = arith.muli %[[S]], %[[B]]
// CHECK: %[[SB:.*]] = arith.addi %[[SB0]]
// CHECK: %[[P:.*]] = moda_tile.load %[[PO]][%[[SB]], {{.*}} -> tensor<64x64xf32>
// CHECK: %[[PLSE:.*]] = moda_tile.load %[[PL]][%[[SB]], {{.*}} -> tensor<64xf32>
// CHECK: moda_tile.merge_partial %[[P]], %[[PLSE]], {{.*}} : tensor<64x64xf32>, tensor<64xf32>
// CHECK: moda_tile.finalize %[[M]]#2, %[[M]]#0, %[[M]]#1 {exp2_scale = 1.44269502 : f32} : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>

// CHECK-LABEL: func.func @moda_attention_0_launch(
// CHECK: %[[PO:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: %[[PL:.*]] = memref.alloc(%{{.*}}) : memref<?xf32>
// CHECK: moda_tile.launch @moda_attention_0 grid(%{{.*}}, %c6{{.*}}, %{{.*}}) ({{.*}}%[[PO]], %[[PL]]
// CHECK: moda_tile.launch @moda_attention_0_merge grid(%{{.*}}, %c2{{.*}}, %{{.*}}) ({{.*}}%[[PO]], %[[PL]]
func.func @decode(%q: tensor<?x1x8x64xbf16>, %k: tensor<?x300x2x64xbf16>, %dk: tensor<?x1x3x2x64xbf16>) -> tensor<?x1x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<?x1x8x64xbf16>) kv(%k, %k : tensor<?x300x2x64xbf16>, tensor<?x300x2x64xbf16>) depth(%dk, %dk : tensor<?x1x3x2x64xbf16>, tensor<?x1x3x2x64xbf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 3>} -> tensor<?x1x8x64xbf16>, tensor<?x8x1xf32>
  return %o : tensor<?x1x8x64xbf16>
}
