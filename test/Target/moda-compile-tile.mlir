// RUN: rm -rf %t && moda-compile %s -o %t | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_0.json
// RUN: FileCheck %s --input-file %t/moda_attention_0.json --check-prefix=VIEWS
// RUN: FileCheck %s --input-file %t/moda_attention_0.ptx --check-prefix=PTX
// RUN: sed 's/mma = fma/mma = wgmma/; s/num_warps = 2, num_stages = 1/num_warps = 4, num_stages = 2/; s/causal, strided/causal/' %s > %t.wgmma.mlir
// RUN: moda-compile %t.wgmma.mlir -o %t/wgmma | FileCheck %s --check-prefix=WGMMA-LOG
// RUN: FileCheck %s --input-file %t/wgmma/moda_attention_0.json --check-prefix=WGMMA
// RUN: FileCheck %s --input-file %t/wgmma/moda_attention_0.json --check-prefix=DENSE
// RUN: FileCheck %s --input-file %t/wgmma/moda_attention_0.ptx --check-prefix=WGMMA-PTX

// The compiler end to end with a pinned fma configuration: moda.attention ->
// tile program -> fma layout -> gpu.func -> PTX and a cubin (ptxas), and the
// manifest.

// LOG: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx (+cubin)

// CHECK-DAG: "kernel": "moda_attention_0"
// CHECK-DAG: "element_type": "f16"
// CHECK-DAG: "num_query_heads": 4
// CHECK-DAG: "num_kv_heads": 2
// CHECK-DAG: "mma": "fma"
// CHECK-DAG: "block_m": 64
// Two shared buffers of 32 rows x 64 halves (keys and values; the depth
// tiles, also 32 rows, reuse them) in the dynamic shared memory.
// CHECK-DAG: "dynamic_shared_memory": 8192
// CHECK-DAG: "spill_stores": 0

// The operator takes views (strided): each tensor but lse is "strided" in
// the manifest, and its strides (all but the innermost) follow the sizes as
// parameters, tensor by tensor, outermost first.
// VIEWS: "symbol": "L"
// VIEWS: "dim": 0,
// VIEWS-NEXT: "kind": "stride",
// VIEWS-NEXT: "tensor": "q"
// VIEWS: "dim": 2,
// VIEWS-NEXT: "kind": "stride",
// VIEWS-NEXT: "tensor": "q"
// VIEWS: "dim": 3,
// VIEWS-NEXT: "kind": "stride",
// VIEWS-NEXT: "tensor": "depth_k"
// VIEWS: "tensor": "out"
// VIEWS: "tensor": "out"
// VIEWS: "dim": 2,
// VIEWS-NEXT: "kind": "stride",
// VIEWS-NEXT: "tensor": "out"
// VIEWS-NEXT: }
// VIEWS-NEXT: ],
// VIEWS: "name": "q",
// VIEWS: "strided": true
// lse's object ends after its shape (the keys print sorted: "strided"
// would follow "shape").
// VIEWS: "name": "lse",
// VIEWS: "shape": [
// VIEWS: ]
// VIEWS-NEXT: }

// PTX: .visible .entry moda_attention_0(
// PTX: .shared .align {{[0-9]+}} .b8 __dynamic_shmem__0;
// PTX: bar.sync
// PTX: ex2.approx


// With mma = wgmma (four warps, two stages): the same multi-buffers, two
// slots each (D = 64: moda-tile-defer-value-products leaves the loop, so
// no tile of the last step's values after it), 1024-byte aligned within
// 1008 bytes of slack; warpgroup products from the swizzled tiles after an
// async-proxy fence.
// WGMMA-LOG: moda-compile: moda_attention_0 -> {{.*}}wgmma{{/|\\}}moda_attention_0.ptx (+cubin)
// WGMMA-DAG: "mma": "wgmma"
// Without `strided`, contiguous tensors: no stride parameters.
// DENSE-NOT: "stride
// WGMMA-DAG: "dynamic_shared_memory": 17392
// WGMMA-DAG: "spill_stores": 0
// WGMMA-PTX: fence.proxy.async.shared::cta;
// WGMMA-PTX: wgmma.mma_async.sync.aligned.m64n32k16.f32.f16.f16

func.func @attention(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x2x64xf16>, %dk: tensor<?x?x?x2x64xf16>) -> tensor<?x?x4x64xf16> {
  %o, %l = moda.attention q(%q : tensor<?x?x4x64xf16>) kv(%k, %k : tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) depth(%dk, %dk : tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>) {causal, strided, config = #moda.config<block_m = 64, block_n = 32, block_depth = 32, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<?x?x4x64xf16>, tensor<?x4x?xf32>
  return %o : tensor<?x?x4x64xf16>
}
