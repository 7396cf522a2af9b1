// RUN: moda-opt %s -split-input-file -verify-diagnostics

// Split-KV (#moda.config's kv_splits > 1) shares out a forward's sequence
// keys: an operator without them, over packed sequences, or a backward
// cannot take it.

#split = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 4>

func.func @no_sequence_keys(%q: tensor<1x8x4x64xbf16>, %dk: tensor<1x8x3x2x64xbf16>) {
  // expected-error @+1 {{config kv_splits = 4 splits sequence keys, but the operator has none (operand 'k')}}
  %o, %l = moda.attention q(%q : tensor<1x8x4x64xbf16>) depth(%dk, %dk : tensor<1x8x3x2x64xbf16>, tensor<1x8x3x2x64xbf16>) {visibility = #moda.visibility<depth_only>, config = #split} -> tensor<1x8x4x64xbf16>, tensor<1x4x8xf32>
  return
}

// -----

#split = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 2>

func.func @packed(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  // expected-error @+1 {{config kv_splits = 2 is not supported with packed sequences (operand 'cu_seqlens')}}
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) {config = #split} -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}

// -----

#split = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 2>

func.func @backward(%q: tensor<1x8x4x64xbf16>, %k: tensor<1x8x2x64xbf16>, %lse: tensor<1x4x8xf32>) {
  // expected-error @+1 {{config kv_splits = 2 splits a forward's sequence keys; the backward takes 1}}
  %dq, %dk, %dv = moda.attention_grad q(%q : tensor<1x8x4x64xbf16>) kv(%k, %k : tensor<1x8x2x64xbf16>, tensor<1x8x2x64xbf16>) out(%q, %lse : tensor<1x8x4x64xbf16>, tensor<1x4x8xf32>) d_out(%q : tensor<1x8x4x64xbf16>) {causal, config = #split} -> dq(tensor<1x8x4x64xbf16>) dkv(tensor<1x8x2x64xbf16>, tensor<1x8x2x64xbf16>)
  return
}
