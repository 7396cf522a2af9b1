// RUN: rm -rf %t && moda-compile %s -o %t | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_0.json

// Packed sequences compile to a kernel and a manifest the runtime reads
// (docs/artifacts.md): "packed", token-major tensors without a batch
// dimension, the i32 offsets cu_seqlens of B + 1 entries, the size N after
// B, T, S, L. T (max_seqlen) is the caller's: the manifest leaves it
// dynamic even where every type is static.

// LOG: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx (+cubin)

// CHECK: "packed": true
// CHECK: "tensor": "cu_seqlens"
// CHECK: "symbol": "L"
// CHECK: "kind": "size"
// CHECK-NEXT: "symbol": "N"
// CHECK: "sizes": {
// CHECK-NEXT: "B": 3
// CHECK-NEXT: "L": 0
// CHECK-NEXT: "N": 70
// CHECK-NEXT: "S": null
// CHECK-NEXT: "T": null
// CHECK: "name": "q"
// CHECK-NEXT: "role": "input"
// CHECK-NEXT: "shape": [
// CHECK-NEXT: "N"
// CHECK-NEXT: 2
// CHECK-NEXT: 64
// CHECK: "name": "lse"
// CHECK-NEXT: "role": "output"
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 2
// CHECK-NEXT: "N"
// CHECK: "dtype": "i32"
// CHECK-NEXT: "name": "cu_seqlens"
// CHECK-NEXT: "role": "input"
// CHECK-NEXT: "shape": [
// CHECK-NEXT: "B+1"
func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> tensor<70x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o : tensor<70x2x64xbf16>
}
