#split = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a", kv_splits = 2>

func.func @packed(%q: tensor<30x4x64xbf16>, %k: tensor<30x2x64xbf16>, %cu: tensor<3xi32>, %max: index) {
  %o, %l = moda.attention q(%q : tensor<30x4x64xbf16>) kv(%k, %k : tensor<30x2x64xbf16>, tensor<30x2x64xbf16>) packed(%cu, %max : tensor<3xi32>) {config = #split} -> tensor<30x4x64xbf16>, tensor<4x30xf32>
  return
}
