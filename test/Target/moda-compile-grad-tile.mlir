// RUN: rm -rf %t && moda-compile %s -o %t | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.json
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.ptx --check-prefix=PTX

// The backward: its three tile programs in one PTX file and one manifest,
// whose dkv and d_depth grids divide by block_m (64), each launch asking
// for its own plan's shared memory.

// LOG: moda-compile: moda_attention_grad_0 -> {{.*}}moda_attention_grad_0.ptx (+cubin)

// CHECK: "launches": [
// CHECK: "dynamic_shared_memory": 33776
// CHECK: "kernel": "moda_attention_grad_0_dq"
// CHECK: "divisor": 64
// CHECK-NEXT: "multiplier": 1
// CHECK-NEXT: "symbol": "S"
// CHECK: "kernel": "moda_attention_grad_0_dkv"
// CHECK: "divisor": 64
// CHECK-NEXT: "multiplier": 1
// CHECK-NEXT: "symbol": "T"
// CHECK-NEXT: "times": "L"
// CHECK: "kernel": "moda_attention_grad_0_d_depth"
// CHECK: "op": "attention_grad"

// PTX-DAG: .visible .entry moda_attention_grad_0_dq(
// PTX-DAG: .visible .entry moda_attention_grad_0_dkv(
// PTX-DAG: .visible .entry moda_attention_grad_0_d_depth(
func.func @grad(%q: tensor<?x?x4x64xf16>, %k: tensor<?x?x2x64xf16>, %dk: tensor<?x?x?x2x64xf16>, %o: tensor<?x?x4x64xf16>, %lse: tensor<?x4x?xf32>) -> tensor<?x?x4x64xf16> {
  %dq, %gk, %gv, %gdk, %gdv = moda.attention_grad q(%q : tensor<?x?x4x64xf16>) kv(%k, %k : tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) depth(%dk, %dk : tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>) out(%o, %lse : tensor<?x?x4x64xf16>, tensor<?x4x?xf32>) d_out(%o : tensor<?x?x4x64xf16>) {causal, config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">} -> dq(tensor<?x?x4x64xf16>) dkv(tensor<?x?x2x64xf16>, tensor<?x?x2x64xf16>) d_depth(tensor<?x?x?x2x64xf16>, tensor<?x?x?x2x64xf16>)
  return %dq : tensor<?x?x4x64xf16>
}
