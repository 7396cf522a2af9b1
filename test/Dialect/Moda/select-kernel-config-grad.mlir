// RUN: moda-opt %s -moda-select-kernel-config -split-input-file | FileCheck %s
// RUN: moda-opt %s -moda-select-kernel-config="target=sm_80" -split-input-file | FileCheck %s --check-prefix=SM80

// The backward's heuristics: warpgroup MMA in blocks of one warpgroup where
// the dq rules allow (D = 64), else blocks of two warpgroups with 32-key and
// 32-entry tiles (D = 128 on sm_90a), else the forward's SIMT tiles (sm_80).
// An explicit configuration is kept.

// CHECK-LABEL: func @wide_grad
// CHECK: moda.attention_grad {{.*}}config = #moda.config<block_m = 128, block_n = 32, block_depth = 32, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic"
// SM80-LABEL: func @wide_grad
// SM80: moda.attention_grad {{.*}}config = #moda.config<{{.*}}mma = fma, target = "sm_80">
func.func @wide_grad(%q: tensor<1x10x2x128xf16>, %k: tensor<1x10x1x128xf16>, %dk: tensor<1x10x3x1x128xf16>, %lse: tensor<1x2x10xf32>) -> tensor<1x10x2x128xf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x2x128xf16>) kv(%k, %k : tensor<1x10x1x128xf16>, tensor<1x10x1x128xf16>) depth(%dk, %dk : tensor<1x10x3x1x128xf16>, tensor<1x10x3x1x128xf16>) out(%q, %lse : tensor<1x10x2x128xf16>, tensor<1x2x10xf32>) d_out(%q : tensor<1x10x2x128xf16>) {causal} -> dq(tensor<1x10x2x128xf16>) dkv(tensor<1x10x1x128xf16>, tensor<1x10x1x128xf16>) d_depth(tensor<1x10x3x1x128xf16>, tensor<1x10x3x1x128xf16>)
  return %dq : tensor<1x10x2x128xf16>
}

// -----

// CHECK-LABEL: func @narrow_grad
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">, moda.config_source = "heuristic"
func.func @narrow_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %dk: tensor<1x10x1x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) depth(%dk, %dk : tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) d_depth(tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}

// -----

// CHECK-LABEL: func @pinned_grad
// CHECK: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">}
func.func @pinned_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}
