// RUN: moda-opt %s -moda-select-kernel-config -split-input-file | FileCheck %s --check-prefix=AUTO
// RUN: moda-opt %s -moda-select-kernel-config="target=sm_80" -split-input-file | FileCheck %s --check-prefix=SM80
// RUN: moda-opt %s -moda-select-kernel-config="lowering=tile" -split-input-file | FileCheck %s --check-prefix=TILE
// RUN: moda-opt %s -moda-select-kernel-config="lowering=kernel" -split-input-file | FileCheck %s --check-prefix=KERNEL
// RUN: not moda-opt %s -moda-select-kernel-config="lowering=cuda" -split-input-file 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// Each configuration names the compiler that builds its operator's kernels.
// The heuristics (lowering=auto) give a backward the block builders where
// their kernels run on tensor cores (D = 64), the staged compiler's tile
// programs where only those do (D = 128 on sm_90a: two warpgroups, 32-key
// and 32-entry tiles), the block builders' SIMT kernels elsewhere (sm_80).
// lowering=kernel|tile gives every operator that lowering and its
// heuristic configuration for it; an explicit configuration keeps its tiles.

// UNKNOWN: error: moda-select-kernel-config: unknown lowering 'cuda' (expected auto, kernel or tile)

// AUTO-LABEL: func @wide_grad
// AUTO: moda.attention_grad {{.*}}config = #moda.config<block_m = 128, block_n = 32, block_depth = 32, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>, moda.config_source = "heuristic"
// SM80-LABEL: func @wide_grad
// SM80: moda.attention_grad {{.*}}config = #moda.config<{{.*}}mma = fma, target = "sm_80">
// TILE-LABEL: func @wide_grad
// TILE: config = #moda.config<block_m = 128, block_n = 32, block_depth = 32, num_warps = 8, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>
// KERNEL-LABEL: func @wide_grad
// KERNEL: config = #moda.config<{{.*}}mma = fma, target = "sm_90a">
func.func @wide_grad(%q: tensor<1x10x2x128xf16>, %k: tensor<1x10x1x128xf16>, %dk: tensor<1x10x3x1x128xf16>, %lse: tensor<1x2x10xf32>) -> tensor<1x10x2x128xf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x2x128xf16>) kv(%k, %k : tensor<1x10x1x128xf16>, tensor<1x10x1x128xf16>) depth(%dk, %dk : tensor<1x10x3x1x128xf16>, tensor<1x10x3x1x128xf16>) out(%q, %lse : tensor<1x10x2x128xf16>, tensor<1x2x10xf32>) d_out(%q : tensor<1x10x2x128xf16>) {causal} -> dq(tensor<1x10x2x128xf16>) dkv(tensor<1x10x1x128xf16>, tensor<1x10x1x128xf16>) d_depth(tensor<1x10x3x1x128xf16>, tensor<1x10x3x1x128xf16>)
  return %dq : tensor<1x10x2x128xf16>
}

// -----

// AUTO-LABEL: func @narrow_grad
// AUTO: config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">
// TILE-LABEL: func @narrow_grad
// TILE: config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>
func.func @narrow_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %dk: tensor<1x10x1x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) depth(%dk, %dk : tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) d_depth(tensor<1x10x1x1x64xbf16>, tensor<1x10x1x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}

// -----

// A forward gets the block builders unless a lowering is forced; a
// configuration in the IR keeps its tiles either way.
// AUTO-LABEL: func @forward
// AUTO: moda.attention {{.*}}config = #moda.config<{{[^>]*}}target = "sm_90a">, moda.config_source = "heuristic"
// AUTO: moda.attention {{.*}}config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a", lowering = tile>}
// TILE-LABEL: func @forward
// TILE: moda.attention {{.*}}config = #moda.config<{{[^>]*}}target = "sm_90a", lowering = tile>, moda.config_source = "heuristic"
// TILE: moda.attention {{.*}}config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a", lowering = tile>}
// KERNEL-LABEL: func @forward
// KERNEL: moda.attention {{.*}}config = #moda.config<{{[^>]*}}target = "sm_90a">, moda.config_source = "heuristic"
// KERNEL: moda.attention {{.*}}config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">}
func.func @forward(%q: tensor<1x10x2x64xbf16>, %k: tensor<1x10x1x64xbf16>) -> tensor<1x10x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x10x2x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) -> tensor<1x10x2x64xbf16>, tensor<1x2x10xf32>
  %o2, %l2 = moda.attention q(%o : tensor<1x10x2x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a", lowering = tile>} -> tensor<1x10x2x64xbf16>, tensor<1x2x10xf32>
  return %o2 : tensor<1x10x2x64xbf16>
}

// -----

// A backward's configuration in the IR keeps its tiles; a forced lowering
// replaces its lowering.
// AUTO-LABEL: func @pinned_grad
// AUTO: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>}
// TILE-LABEL: func @pinned_grad
// TILE: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>}
// KERNEL-LABEL: func @pinned_grad
// KERNEL: config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">}
func.func @pinned_grad(%q: tensor<1x10x8x64xbf16>, %k: tensor<1x10x1x64xbf16>, %lse: tensor<1x8x10xf32>) -> tensor<1x10x8x64xbf16> {
  %dq, %gk, %gv = moda.attention_grad q(%q : tensor<1x10x8x64xbf16>) kv(%k, %k : tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>) out(%q, %lse : tensor<1x10x8x64xbf16>, tensor<1x8x10xf32>) d_out(%q : tensor<1x10x8x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", lowering = tile>} -> dq(tensor<1x10x8x64xbf16>) dkv(tensor<1x10x1x64xbf16>, tensor<1x10x1x64xbf16>)
  return %dq : tensor<1x10x8x64xbf16>
}
