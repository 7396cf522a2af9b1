// RUN: moda-opt %s -convert-moda-to-tile -split-input-file -verify-diagnostics

// The backward's programs run the forward's tiles: the lowering compiles
// only configurations the forward's rules accept, and says why not.

func.func @no_config(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{has no kernel configuration; run -moda-select-kernel-config before lowering}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) out(%q, %lse : tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x64xbf16>) -> dq(tensor<1x16x4x64xbf16>) dkv(tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>)
  return %dq : tensor<1x16x4x64xbf16>
}

// -----

func.func @narrow_heads(%q: tensor<1x16x4x4xbf16>, %k: tensor<1x16x2x4xbf16>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x4xbf16> {
  // expected-error @+1 {{head dim D = 4 must be a multiple of 8 for 16-byte loads of 'bf16'}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x4xbf16>) kv(%k, %k : tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>) out(%q, %lse : tensor<1x16x4x4xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x4xbf16>) {config = #moda.config<block_m = 32, block_n = 32, block_depth = 16, num_warps = 2, num_stages = 1, mma = fma, target = "sm_90a">} -> dq(tensor<1x16x4x4xbf16>) dkv(tensor<1x16x2x4xbf16>, tensor<1x16x2x4xbf16>)
  return %dq : tensor<1x16x4x4xbf16>
}

// -----

// With mma = wgmma the programs run on warpgroup MMA: sm_90a only.
func.func @wgmma_dq_target(%q: tensor<1x16x4x64xbf16>, %k: tensor<1x16x2x64xbf16>, %lse: tensor<1x4x16xf32>) -> tensor<1x16x4x64xbf16> {
  // expected-error @+1 {{config mma = wgmma needs target 'sm_90a' (warpgroup MMA exists only on the arch-specific sm_90a), not target 'sm_90'}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x16x4x64xbf16>) kv(%k, %k : tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>) out(%q, %lse : tensor<1x16x4x64xbf16>, tensor<1x4x16xf32>) d_out(%q : tensor<1x16x4x64xbf16>) {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90">} -> dq(tensor<1x16x4x64xbf16>) dkv(tensor<1x16x2x64xbf16>, tensor<1x16x2x64xbf16>)
  return %dq : tensor<1x16x4x64xbf16>
}
