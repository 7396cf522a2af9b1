// RUN: rm -rf %t && moda-compile %s -o %t --ptxas=none 2>&1 | FileCheck %s
// RUN: moda-compile %S/../../examples/attention.mlir -o %t/one --ptxas=none 2>&1 | FileCheck %s --check-prefix=ALONE

// moda-compile writes the kernels of a module's MoDA operators. A model
// graph's other ops (here the depth stream's) are not compiled, and it says
// so rather than leave them looking compiled; a module of operators alone
// gets no note.

// CHECK: moda-compile: note: only the MoDA operators are compiled to kernels; the module's other ops are not (moda.stream.append x1, moda.stream.empty x1, moda.stream.entries x1)
// CHECK: moda-compile: moda_attention_0 -> {{.*}}moda_attention_0.ptx
// ALONE-NOT: note:
func.func @layer(%q: tensor<1x40x2x64xbf16>, %k: tensor<1x40x1x64xbf16>) -> (tensor<1x40x2x64xbf16>, !moda.depth_stream<1x40x1x64xbf16, size = 1, capacity = 4>) {
  %s0 = moda.stream.empty : !moda.depth_stream<1x40x1x64xbf16, size = 0, capacity = 4>
  %dk, %dv = moda.stream.entries %s0 : !moda.depth_stream<1x40x1x64xbf16, size = 0, capacity = 4> -> tensor<1x40x0x1x64xbf16>, tensor<1x40x0x1x64xbf16>
  %o, %l = moda.attention q(%q : tensor<1x40x2x64xbf16>) kv(%k, %k : tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16>) depth(%dk, %dv : tensor<1x40x0x1x64xbf16>, tensor<1x40x0x1x64xbf16>) {causal} -> tensor<1x40x2x64xbf16>, tensor<1x2x40xf32>
  %s1 = moda.stream.append %s0, %k, %k : !moda.depth_stream<1x40x1x64xbf16, size = 0, capacity = 4>, tensor<1x40x1x64xbf16>, tensor<1x40x1x64xbf16> -> !moda.depth_stream<1x40x1x64xbf16, size = 1, capacity = 4>
  return %o, %s1 : tensor<1x40x2x64xbf16>, !moda.depth_stream<1x40x1x64xbf16, size = 1, capacity = 4>
}
