#split = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 4>

func.func @no_sequence_keys(%q: tensor<1x8x4x64xbf16>, %dk: tensor<1x8x3x2x64xbf16>) {
  %o, %l = moda.attention q(%q : tensor<1x8x4x64xbf16>) depth(%dk, %dk : tensor<1x8x3x2x64xbf16>, tensor<1x8x3x2x64xbf16>) {visibility = #moda.visibility<depth_only>, config = #split} -> tensor<1x8x4x64xbf16>, tensor<1x4x8xf32>
  return
}
