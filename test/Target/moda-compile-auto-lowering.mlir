// RUN: rm -rf %t && moda-compile %s -o %t --allow-spills | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.json --check-prefix=NARROW
// RUN: FileCheck %s --input-file %t/moda_attention_grad_1.json --check-prefix=WIDE
// RUN: rm -rf %t && moda-compile %s -o %t --lowering=kernel --allow-spills | FileCheck %s --check-prefix=KERNEL
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.json --check-prefix=KERNEL-MANIFEST
// RUN: FileCheck %s --input-file %t/moda_attention_grad_1.json --check-prefix=KERNEL-SIMT

// With no configuration in the IR each operator's lowering is the
// heuristics' (--lowering=auto, the default): the D = 64 backward runs on the
// block builders' tensor-core kernels; the D = 128 one on the staged
// compiler's (the block builders' is SIMT there). One module, two lowerings,
// distinct artifacts numbered in the IR's order.
// The heuristic D = 128 tile programs do not spill registers (ptxas -v, in
// the manifest); the block builders' D = 64 dkv kernel spills 16 bytes,
// which moda-compile refuses unless --allow-spills.
// --lowering=kernel builds both with the block builders (SIMT at D = 128).

// LOG-DAG: moda-compile: moda_attention_grad_0 -> {{.*}}moda_attention_grad_0.ptx (+cubin)
// LOG-DAG: moda-compile: moda_attention_grad_1 -> {{.*}}moda_attention_grad_1.ptx (+cubin)

// WIDE-DAG: "head_dim": 128
// WIDE-DAG: "lowering": "tile"
// WIDE-DAG: "mma": "wgmma"
// WIDE-DAG: "spill_stores": 0
// NARROW-DAG: "head_dim": 64
// NARROW-DAG: "lowering": "kernel"
// NARROW-DAG: "mma": "wgmma"

// KERNEL-DAG: moda-compile: moda_attention_grad_0 -> {{.*}}moda_attention_grad_0.ptx
// KERNEL-DAG: moda-compile: moda_attention_grad_1 -> {{.*}}moda_attention_grad_1.ptx
// KERNEL-MANIFEST-DAG: "head_dim": 64
// KERNEL-MANIFEST-DAG: "lowering": "kernel"
// KERNEL-SIMT-DAG: "head_dim": 128
// KERNEL-SIMT-DAG: "lowering": "kernel"
// KERNEL-SIMT-DAG: "mma": "fma"

func.func @train(%q: tensor<?x?x4x64xbf16>, %k: tensor<?x?x2x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %lse: tensor<?x4x?xf32>,
                 %q2: tensor<?x?x4x128xf16>, %k2: tensor<?x?x2x128xf16>, %kd2: tensor<?x?x?x2x128xf16>, %lse2: tensor<?x4x?xf32>)
    -> (tensor<?x?x4x64xbf16>, tensor<?x?x4x128xf16>) {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) out(%q, %lse : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>) d_out(%q : tensor<?x?x4x64xbf16>) {causal} -> dq(tensor<?x?x4x64xbf16>) dkv(tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  %dq2, %gk2, %gv2, %gdk2, %gdv2 = moda.attention_grad q(%q2 : tensor<?x?x4x128xf16>) kv(%k2, %k2 : tensor<?x?x2x128xf16>, tensor<?x?x2x128xf16>) depth(%kd2, %kd2 : tensor<?x?x?x2x128xf16>, tensor<?x?x?x2x128xf16>) out(%q2, %lse2 : tensor<?x?x4x128xf16>, tensor<?x4x?xf32>) d_out(%q2 : tensor<?x?x4x128xf16>) {causal} -> dq(tensor<?x?x4x128xf16>) dkv(tensor<?x?x2x128xf16>, tensor<?x?x2x128xf16>) d_depth(tensor<?x?x?x2x128xf16>, tensor<?x?x?x2x128xf16>)
  return %dq, %dq2 : tensor<?x?x4x64xbf16>, tensor<?x?x4x128xf16>
}
