// RUN: moda-cpu-check --input %s | FileCheck %s

// Chunk visibility with L = 0 depth entries is plain causal attention: the
// pipeline's canonicalize drops the empty depth operands, so the launcher
// takes no depth buffers. moda-cpu-check used to pass them anyway, which
// shifted out and lse onto the empty depth descriptors, and the kernel wrote
// through a null pointer (the issue's "L = 0 segfaults inside the generated
// kernel").

// CHECK: PASS f32 B1 T45 S45 Hq4 Hk2 D32 L0 causal chunk C16 out
// CHECK: PASS f32 B1 T45 S45 Hq4 Hk2 D32 L0 causal chunk C16 tiles16x16x16
// CHECK: cpu-check: 2 passed, 0 failed
func.func @chunk_empty_depth(%q: tensor<1x45x4x32xf32>, %k: tensor<1x45x2x32xf32>, %dk: tensor<1x45x0x2x32xf32>) -> (tensor<1x45x4x32xf32>, tensor<1x45x4x32xf32>) {
  %o, %l = moda.attention q(%q : tensor<1x45x4x32xf32>) kv(%k, %k : tensor<1x45x2x32xf32>, tensor<1x45x2x32xf32>) depth(%dk, %dk : tensor<1x45x0x2x32xf32>, tensor<1x45x0x2x32xf32>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16} -> tensor<1x45x4x32xf32>, tensor<1x4x45xf32>
  %o2, %l2 = moda.attention q(%q : tensor<1x45x4x32xf32>) kv(%k, %k : tensor<1x45x2x32xf32>, tensor<1x45x2x32xf32>) depth(%dk, %dk : tensor<1x45x0x2x32xf32>, tensor<1x45x0x2x32xf32>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 16, config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x45x4x32xf32>, tensor<1x4x45xf32>
  return %o, %o2 : tensor<1x45x4x32xf32>, tensor<1x45x4x32xf32>
}
