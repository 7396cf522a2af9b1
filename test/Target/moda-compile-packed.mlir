// RUN: rm -rf %t && not moda-compile %s -o %t 2>&1 | FileCheck %s
// RUN: not ls %t

// Packed sequences compile through moda-opt and run on the CPU path, but
// the runtime does not load their kernels yet: moda-compile says so and
// writes nothing (no manifest the runtime would misread).

// CHECK: error: moda-compile: packed sequences are compiled by moda-opt (convert-moda-to-tile, moda-to-gpu-binary) and checked on the CPU path (moda-cpu-check), but the runtime does not load their kernels yet; nothing was written
func.func @packed(%q: tensor<70x2x64xbf16>, %k: tensor<70x1x64xbf16>, %cu: tensor<4xi32>, %max: index) -> tensor<70x2x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<70x2x64xbf16>) kv(%k, %k : tensor<70x1x64xbf16>, tensor<70x1x64xbf16>) packed(%cu, %max : tensor<4xi32>) {causal} -> tensor<70x2x64xbf16>, tensor<2x70xf32>
  return %o : tensor<70x2x64xbf16>
}
