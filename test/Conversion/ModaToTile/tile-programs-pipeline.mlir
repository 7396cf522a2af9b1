// RUN: moda-opt %s --moda-to-tile-programs | FileCheck %s

// The registered pipeline of the tile program's stages (convert-moda-to-tile,
// layouts, deferred value products, pipelining, asynchronous dots): the
// program both target lowerings receive, and the one the configuration
// pass measures shared memory on.

// CHECK-LABEL: func.func private @moda_attention_0
// CHECK-SAME: moda_tile.program
// CHECK: moda_tile.async_load {{.*}}copy = #moda_tile.copy<kind = cp_async, stages = 2>
// CHECK: moda_tile.dot {{.*}}async{{.*}}layout = #moda_tile.layout<kind = wgmma, num_warps = 4>
// CHECK: moda_tile.dot_wait
func.func @attention(%q: tensor<1x100x16x64xbf16>, %k: tensor<1x100x2x64xbf16>) -> tensor<1x100x16x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x100x16x64xbf16>) kv(%k, %k : tensor<1x100x2x64xbf16>, tensor<1x100x2x64xbf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> tensor<1x100x16x64xbf16>, tensor<1x16x100xf32>
  return %o : tensor<1x100x16x64xbf16>
}
