// RUN: moda-opt %s -moda-select-kernel-config="database=%S/Inputs/tuning-db.json" | FileCheck %s
// RUN: MODA_TUNING_DB=%S/Inputs/tuning-db.json moda-opt %s -moda-select-kernel-config | FileCheck %s
// RUN: moda-opt %s -moda-select-kernel-config="database=%S/Inputs/tuning-db.json device='NVIDIA H200'" | FileCheck %s --check-prefix=H200
// RUN: moda-opt %s -moda-select-kernel-config="database=%S/Inputs/tuning-db.json target=sm_80" | FileCheck %s --check-prefix=AMPERE

// The configuration-selection pass consults a tuning database first (key:
// compute capability, op, dtype, D, G, L, causal, visibility, bucket of T),
// falls back to the heuristics, and says which it used.

// T = 200 falls in the bucket 256; L = 7, G = 4, D = 64, bf16, causal.
// CHECK-LABEL: func @tuned
// CHECK: config = #moda.config<block_m = 64, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">, moda.config_source = "database"
// Entries of another device with the same key are used when asked for.
// H200-LABEL: func @tuned
// H200: config = #moda.config<block_m = 32, block_n = 32, block_depth = 32, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">, moda.config_source = "database"
// A forced lowering keeps the entry's tiles.
// Another compute capability has no entry: heuristics.
// AMPERE-LABEL: func @tuned
// AMPERE: moda.config_source = "heuristic"
func.func @tuned(%q: tensor<1x200x8x64xbf16>, %k: tensor<1x200x2x64xbf16>, %dk: tensor<1x200x7x2x64xbf16>) -> tensor<1x200x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x200x8x64xbf16>) kv(%k, %k : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>) depth(%dk, %dk : tensor<1x200x7x2x64xbf16>, tensor<1x200x7x2x64xbf16>) {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  return %o : tensor<1x200x8x64xbf16>
}

// No entry for L = 5: heuristics.
// CHECK-LABEL: func @missing_key
// CHECK: config = #moda.config<block_m = 128, {{.*}}>, moda.config_source = "heuristic"
func.func @missing_key(%q: tensor<1x200x8x64xbf16>, %k: tensor<1x200x2x64xbf16>, %dk: tensor<1x200x5x2x64xbf16>) -> tensor<1x200x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x200x8x64xbf16>) kv(%k, %k : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>) depth(%dk, %dk : tensor<1x200x5x2x64xbf16>, tensor<1x200x5x2x64xbf16>) {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  return %o : tensor<1x200x8x64xbf16>
}

// A dynamic T has no bucket: heuristics.
// CHECK-LABEL: func @dynamic_length
// CHECK: moda.config_source = "heuristic"
func.func @dynamic_length(%q: tensor<1x?x8x64xbf16>, %k: tensor<1x?x2x64xbf16>, %dk: tensor<1x?x7x2x64xbf16>) -> tensor<1x?x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x?x8x64xbf16>) kv(%k, %k : tensor<1x?x2x64xbf16>, tensor<1x?x2x64xbf16>) depth(%dk, %dk : tensor<1x?x7x2x64xbf16>, tensor<1x?x7x2x64xbf16>) {causal} -> tensor<1x?x8x64xbf16>, tensor<1x8x?xf32>
  return %o : tensor<1x?x8x64xbf16>
}

// An entry whose configuration the rules reject (wgmma, 4 stages: not
// implemented) is ignored.
// CHECK-LABEL: func @stale_entry
// CHECK: moda.config_source = "heuristic"
func.func @stale_entry(%q: tensor<1x200x8x64xbf16>, %k: tensor<1x200x2x64xbf16>, %dk: tensor<1x200x3x2x64xbf16>) -> tensor<1x200x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x200x8x64xbf16>) kv(%k, %k : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>) depth(%dk, %dk : tensor<1x200x3x2x64xbf16>, tensor<1x200x3x2x64xbf16>) {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  return %o : tensor<1x200x8x64xbf16>
}
