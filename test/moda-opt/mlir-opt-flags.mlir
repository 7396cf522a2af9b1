// RUN: moda-opt %s --pass-pipeline="builtin.module(func.func(canonicalize),moda-select-kernel-config)" --mlir-print-ir-after-all 2>&1 | FileCheck %s --check-prefix=DUMP
// RUN: moda-opt %s --mlir-print-debuginfo | FileCheck %s --check-prefix=LOC
// RUN: moda-opt --help | FileCheck %s --check-prefix=HELP
// RUN: moda-opt --show-dialects | FileCheck %s --check-prefix=DIALECTS

// moda-opt is mlir-opt with moda registered: the usual flags work.

// DUMP: IR Dump After Canonicalizer
// DUMP: IR Dump After ModaSelectKernelConfig
// DUMP: #moda.config<
// LOC: loc(
// HELP: --moda-select-kernel-config
// HELP: --canonicalize
// DIALECTS: Available Dialects:
// DIALECTS-SAME: gpu
// DIALECTS-SAME: moda
// DIALECTS-SAME: nvvm
func.func @f(%q: tensor<1x16x4x8xf16>, %k: tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16> {
  %o, %l = moda.attention q(%q : tensor<1x16x4x8xf16>) kv(%k, %k : tensor<1x16x2x8xf16>, tensor<1x16x2x8xf16>) -> tensor<1x16x4x8xf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x8xf16>
}
