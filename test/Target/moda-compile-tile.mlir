// RUN: rm -rf %t && moda-compile %s -o %t --lowering=tile | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_0.json
// RUN: FileCheck %s --input-file %t/moda_attention_0.ptx --check-prefix=PTX
// RUN: not moda-compile %s -o %t/bad --lowering=staged 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: sed 's/mma = fma/mma = wgmma/; s/num_warps = 2, num_stages = 1/num_warps = 4, num_stages = 2/' %s > %t.wgmma.mlir
// RUN: not moda-compile %t.wgmma.mlir -o %t/wgmma --lowering=tile 2>&1 | FileCheck %s --check-prefix=WGMMA

// The staged compiler end to end: moda.attention -> tile program -> fma
// layout -> gpu.func -> PTX and a cubin (ptxas), with the same manifest the
// block builders' kernels have.

// LOG: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx (+cubin)

// CHECK-DAG: "kernel": "moda_attention_0"
// CHECK-DAG: "element_type": "f16"
// CHECK-DAG: "num_query_heads": 4
// CHECK-DAG: "num_kv_heads": 2
// CHECK-DAG: "mma": "fma"
// CHECK-DAG: "block_m": 64
// CHECK-DAG: "dynamic_shared_memory": 0
// CHECK-DAG: "spill_stores": 0

// PTX: .visible .entry moda_attention_0(
// Two shared buffers of 32 rows x 64 halves: keys and values, the depth
// tiles (also 32 rows) reuse them.
// PTX-COUNT-2: .shared .align {{[0-9]+}} .b8 __wg_moda_attention_0_{{[01]}}[4096];
// PTX: bar.sync
// PTX: ex2.approx

// BAD: for the --lowering option: Cannot find option named 'staged'!

// WGMMA: error: 'func.func' op has layout #moda_tile.layout<kind = wgmma, num_warps = 4>, which has no GPU lowering from tile programs yet (fma and mma_sync have); convert-moda-to-gpu builds such kernels

func.func @attention(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x2x64xf16>, %dk: tensor<?x?x?x2x64xf16>) -> tensor<?x?x4x64xf16> {
  %o, %l = moda.attention q(%q : tensor<?x?x4x64xf16>) kv(%k, %k : tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) depth(%dk, %dk : tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>) {causal, config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<?x?x4x64xf16>, tensor<?x4x?xf32>
  return %o : tensor<?x?x4x64xf16>
}
