// RUN: rm -rf %t && moda-compile %s -o %t --ptxas=none | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.json
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.json --check-prefix=FIELDS
// RUN: FileCheck %s --input-file %t/moda_attention_grad_0.ptx --check-prefix=PTX

// A moda.attention_grad is one artifact: one PTX file holding its kernels,
// and one manifest (op attention_grad) listing them in launch order with
// their grids, the tensors with their roles, and the scratch delta.

// LOG-DAG: moda-compile: moda_attention_grad_0 -> {{.*}}moda_attention_grad_0.ptx
// LOG-DAG: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx

// FIELDS-DAG: "format": "moda-kernel/1"
// FIELDS-DAG: "kernel": "moda_attention_grad_0"
// FIELDS-DAG: "op": "attention_grad"
// FIELDS-DAG: "ptx": "moda_attention_grad_0.ptx"
// FIELDS-DAG: "visibility": "chunk"
// FIELDS-DAG: "chunk_size": 16
// CHECK: "launches": [
// CHECK: "kernel": "moda_attention_grad_0_dq"
// CHECK: "kernel": "moda_attention_grad_0_dkv"
// CHECK: "times": "L"
// CHECK: "kernel": "moda_attention_grad_0_d_depth"
// CHECK: "params": [
// CHECK: "tensor": "delta"
// CHECK: "tensors": [
// CHECK: "name": "d_out"
// CHECK-NEXT: "role": "input"
// CHECK: "name": "dq"
// CHECK-NEXT: "role": "output"
// CHECK: "name": "delta"
// CHECK-NEXT: "role": "scratch"

// PTX-DAG: .visible .entry moda_attention_grad_0_dq(
// PTX-DAG: .visible .entry moda_attention_grad_0_dkv(
// PTX-DAG: .visible .entry moda_attention_grad_0_d_depth(

func.func @train(%q: tensor<?x?x4x64xbf16>, %k: tensor<?x?x2x64xbf16>, %kd: tensor<?x?x?x2x64xbf16>, %do: tensor<?x?x4x64xbf16>)
    -> (tensor<?x?x4x64xbf16>, tensor<?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) {
  %o, %l = moda.attention q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16} -> tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>
  %dq, %dk, %dv, %dkd, %dvd = moda.attention_grad q(%q : tensor<?x?x4x64xbf16>) kv(%k, %k : tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) depth(%kd, %kd : tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>) out(%o, %l : tensor<?x?x4x64xbf16>, tensor<?x4x?xf32>) d_out(%do : tensor<?x?x4x64xbf16>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16} -> dq(tensor<?x?x4x64xbf16>) dkv(tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16>) d_depth(tensor<?x?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>)
  return %dq, %dk, %dkd : tensor<?x?x4x64xbf16>, tensor<?x?x2x64xbf16>, tensor<?x?x?x2x64xbf16>
}
