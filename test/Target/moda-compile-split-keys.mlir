// RUN: rm -rf %t && moda-compile %s -o %t | FileCheck %s --check-prefix=LOG
// RUN: FileCheck %s --input-file %t/moda_attention_0.json

// A decoding forward (one new token against 4096 cached keys, B = 1,
// Hk = 8): the configuration pass splits its keys (kv_splits = 16, see
// select-kernel-config-split-keys.mlir) and the artifact holds two kernels,
// in launch order, on one PTX file: the split kernel (Hk * 16 = 128
// blocks along y, writing only scratch) and the merge (Hk along y, writing
// out and lse), with the f32 scratch partials after lse (docs/artifacts.md).

// LOG: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx (+cubin)

// CHECK: "config": {
// CHECK: "kv_splits": 16,
// CHECK: "launches": [
// CHECK: "constant": 128
// CHECK: "kernel": "moda_attention_0",
// CHECK-NEXT: "writes": []
// CHECK: "constant": 8
// CHECK: "kernel": "moda_attention_0_merge",
// CHECK-NEXT: "writes": [
// CHECK-NEXT: "out",
// CHECK-NEXT: "lse"
// CHECK: "tensor": "lse"
// CHECK: "tensor": "partial_out"
// CHECK: "tensor": "partial_lse"
// CHECK: "name": "partial_out",
// CHECK-NEXT: "role": "scratch",
// CHECK-NEXT: "shape": [
// CHECK-NEXT: 16,
// CHECK-NEXT: "B",
func.func @decode(%q: tensor<1x1x32x128xbf16>, %k: tensor<1x4096x8x128xbf16>, %dk: tensor<1x1x32x8x128xbf16>) -> tensor<1x1x32x128xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x1x32x128xbf16>) kv(%k, %k : tensor<1x4096x8x128xbf16>, tensor<1x4096x8x128xbf16>) depth(%dk, %dk : tensor<1x1x32x8x128xbf16>, tensor<1x1x32x8x128xbf16>) {causal} -> tensor<1x1x32x128xbf16>, tensor<1x32x1xf32>
  return %o : tensor<1x1x32x128xbf16>
}
