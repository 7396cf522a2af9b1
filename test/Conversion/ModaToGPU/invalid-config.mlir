// RUN: moda-opt %s -convert-moda-to-gpu -split-input-file -verify-diagnostics

// The lowering compiles only configurations it can honour, and says why not.

func.func @no_config(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{has no kernel configuration; run -moda-select-kernel-config before lowering}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @tensor_cores(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config mma = wgmma is not implemented by the forward lowering yet (supported: fma)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 1, mma = wgmma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @pipelined(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config num_stages = 3 is not implemented by the forward lowering yet (supported: 1)}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 3, mma = fma, target = "sm_90a">} -> tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x64xbf16>
}

// -----

func.func @narrow_heads(%q: tensor<1x16x4x4xbf16>, %k: tensor<1x16x2x4xbf16>) -> tensor<1x16x4x4xbf16> {
  // expected-error @+1 {{head dim D = 4 must be a multiple of 8 for 16-byte loads of 'bf16'}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x4xbf16>) kv(%k, %k : tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 16, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x4x4xbf16>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x4xbf16>
}

// -----

func.func @too_much_shared_memory(%q: tensor<1x16x4x128xf32>, %k: tensor<1x16x2x128xf32>) -> tensor<1x16x4x128xf32> {
  // expected-error @+1 {{config needs 131072 bytes of shared memory (2 x (block_n + block_depth) x D x element size), more than the 49152 a block may declare}}
  %o, %l = moda.attention q(%q : tensor<1x16x4x128xf32>) kv(%k, %k : tensor<1x16x2x128xf32>, tensor<1x16x2x128xf32>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 1, mma = fma, target = "sm_90a">} -> tensor<1x16x4x128xf32>, tensor<1x4x16xf32>
  return %o : tensor<1x16x4x128xf32>
}
