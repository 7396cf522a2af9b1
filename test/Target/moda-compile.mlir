// RUN: rm -rf %t && moda-compile %moda_src_root/examples/attention.mlir -o %t | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_0.json
// RUN: FileCheck %s --input-file %t/moda_attention_0.ptx --check-prefix=PTX
// RUN: not moda-compile %s -o %t/none 2>&1 | FileCheck %s --check-prefix=EMPTY

// moda-compile writes PTX, a cubin assembled by ptxas for sm_90a, and the
// manifest the runtime reads (docs/artifacts.md).

// LOG: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx (+cubin)

// CHECK-DAG: "format": "moda-kernel/1"
// CHECK-DAG: "kernel": "moda_attention_0"
// CHECK-DAG: "ptx": "moda_attention_0.ptx"
// CHECK-DAG: "cubin": "moda_attention_0.cubin"
// CHECK-DAG: "target": "sm_90a"
// CHECK-DAG: "element_type": "bf16"
// CHECK-DAG: "causal": true
// CHECK-DAG: "visibility": "per_position"
// CHECK-DAG: "num_query_heads": 8
// CHECK-DAG: "num_kv_heads": 2
// CHECK-DAG: "head_dim": 64
// CHECK-DAG: "block": [
// CHECK-DAG: "dynamic_shared_memory": 82928
// CHECK-DAG: "spill_stores": 0
// CHECK-DAG: "spill_loads": 0
// CHECK-DAG: "mma": "wgmma"

// PTX: .target sm_90a
// PTX: .visible .entry moda_attention_0(

// EMPTY: moda-compile: {{.*}}moda-compile.mlir has no moda.attention to compile
func.func @nothing() {
  return
}
