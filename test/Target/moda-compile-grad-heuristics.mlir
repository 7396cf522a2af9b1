// RUN: rm -rf %t && moda-compile %s -o %t | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.json --check-prefix=NARROW
// RUN: FileCheck %s --input-file %t/moda_attention_grad_1.json --check-prefix=WIDE

// With no configuration in the IR each backward gets the heuristics' (no
// tuning database has backward entries): on sm_90a warpgroup MMA in blocks
// of one warpgroup at D = 64, of two warpgroups with 32-key and 32-entry
// tiles at D = 128. One module, distinct artifacts numbered in the IR's
// order; neither spills registers (ptxas -v, in the manifest), which
// moda-compile would refuse.

// LOG-DAG: moda-compile: moda_attention_grad_0 -> {{.*}}moda_attention_grad_0.ptx (+cubin)
// LOG-DAG: moda-compile: moda_attention_grad_1 -> {{.*}}moda_attention_grad_1.ptx (+cubin)

// NARROW-DAG: "head_dim": 64
// NARROW-DAG: "block_m": 64
// NARROW-DAG: "num_warps": 4
// NARROW-DAG: "mma": "wgmma"
// NARROW-DAG: "spill_stores": 0
// WIDE-DAG: "head_dim": 128
// WIDE-DAG: "block_m": 128
// WIDE-DAG: "block_n": 32
// WIDE-DAG: "num_warps": 8
// WIDE-DAG: "mma": "wgmma"
// WIDE-DAG: "spill_stores": 0

func.func @train(%q: tensor<?x?x4x64xbf16>, %k: tensor<?x?x2x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %lse: tensor<?x4x?xf32>,
                 %q2: tensor<?x?x4x128xf16>, %k2: tensor<?x?x2x128xf16>, %kd2: tensor<?x?x?x2x128xf16>, %lse2: tensor<?x4x?xf32>)
    -> (tensor<?x?x4x64xbf16>, tensor<?x?x4x128xf16>) {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) out(%q, %lse : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>) d_out(%q : tensor<?x?x4x64xbf16>) {causal} -> dq(tensor<?x?x4x64xbf16>) dkv(tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  %dq2, %gk2, %gv2, %gdk2, %gdv2 = moda.attention_grad q(%q2 : tensor<?x?x4x128xf16>) kv(%k2, %k2 : tensor<?x?x2x128xf16>, tensor<?x?x2x128xf16>) depth(%kd2, %kd2 : tensor<?x?x?x2x128xf16>, tensor<?x?x?x2x128xf16>) out(%q2, %lse2 : tensor<?x?x4x128xf16>, tensor<?x4x?xf32>) d_out(%q2 : tensor<?x?x4x128xf16>) {causal} -> dq(tensor<?x?x4x128xf16>) dkv(tensor<?x?x2x128xf16>, tensor<?x?x2x128xf16>) d_depth(tensor<?x?x?x2x128xf16>, tensor<?x?x?x2x128xf16>)
  return %dq, %dq2 : tensor<?x?x4x64xbf16>, tensor<?x?x4x128xf16>
}
