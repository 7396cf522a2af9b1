func.func @gqa_causal(%q: tensor<2x100x8x64xbf16>, %k: tensor<2x100x2x64xbf16>, %v: tensor<2x100x2x64xbf16>, %dk: tensor<2x100x3x2x64xbf16>, %dv: tensor<2x100x3x2x64xbf16>) -> (tensor<2x100x8x64xbf16>, tensor<2x8x100xf32>) {
  %o, %l = moda.attention q(%q : tensor<2x100x8x64xbf16>) kv(%k, %v : tensor<2x100x2x64xbf16>, tensor<2x100x2x64xbf16>) depth(%dk, %dv : tensor<2x100x3x2x64xbf16>, tensor<2x100x3x2x64xbf16>) {causal} -> tensor<2x100x8x64xbf16>, tensor<2x8x100xf32>
  return %o, %l : tensor<2x100x8x64xbf16>, tensor<2x8x100xf32>
}

func.func @no_depth_non_causal(%q: tensor<1x7x4x128xf16>, %k: tensor<1x9x4x128xf16>) -> tensor<1x7x4x128xf16> {
  %o, %l = moda.attention q(%q : tensor<1x7x4x128xf16>) kv(%k, %k : tensor<1x9x4x128xf16>, tensor<1x9x4x128xf16>) {scale = 0.5 : f32} -> tensor<1x7x4x128xf16>, tensor<1x4x7xf32>
  return %o : tensor<1x7x4x128xf16>
}

func.func @chunk_visible(%q: tensor<1x256x2x64xf32>, %k: tensor<1x256x1x64xf32>, %dk: tensor<1x256x7x1x64xf32>) -> tensor<1x256x2x64xf32> {
  %o, %l = moda.attention q(%q : tensor<1x256x2x64xf32>) kv(%k, %k : tensor<1x256x1x64xf32>, tensor<1x256x1x64xf32>) depth(%dk, %dk : tensor<1x256x7x1x64xf32>, tensor<1x256x7x1x64xf32>) {causal, visibility = #moda.visibility<chunk>, chunk_size = 64} -> tensor<1x256x2x64xf32>, tensor<1x2x256xf32>
  return %o : tensor<1x256x2x64xf32>
}

func.func @depth_only(%q: tensor<1x63x16x64xbf16>, %dk: tensor<1x63x64x1x64xbf16>) -> tensor<1x63x16x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x63x16x64xbf16>) depth(%dk, %dk : tensor<1x63x64x1x64xbf16>, tensor<1x63x64x1x64xbf16>) {visibility = #moda.visibility<depth_only>} -> tensor<1x63x16x64xbf16>, tensor<1x16x63xf32>
  return %o : tensor<1x63x16x64xbf16>
}

func.func @dynamic_sizes(%q: tensor<?x?x8x64xbf16>, %k: tensor<?x?x8x64xbf16>, %dk: tensor<?x?x?x8x64xbf16>) -> tensor<?x8x?xf32> {
  %o, %l = moda.attention q(%q : tensor<?x?x8x64xbf16>) kv(%k, %k : tensor<?x?x8x64xbf16>, tensor<?x?x8x64xbf16>) depth(%dk, %dk : tensor<?x?x?x8x64xbf16>, tensor<?x?x?x8x64xbf16>) {causal} -> tensor<?x?x8x64xbf16>, tensor<?x8x?xf32>
  return %l : tensor<?x8x?xf32>
}

func.func @with_config(%q: tensor<1x64x8x64xbf16>, %k: tensor<1x64x1x64xbf16>) -> tensor<1x64x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<1x64x8x64xbf16>) kv(%k, %k : tensor<1x64x1x64xbf16>, tensor<1x64x1x64xbf16>) {config = #moda.config<block_m = 128, block_n = 64, block_depth = 32, num_warps = 8, num_stages = 3, mma = wgmma, target = "sm_90a">} -> tensor<1x64x8x64xbf16>, tensor<1x8x64xf32>
  return %o : tensor<1x64x8x64xbf16>
}

func.func @views(%q: tensor<2x100x8x64xbf16>, %k: tensor<2x100x2x64xbf16>, %dk: tensor<2x100x3x2x64xbf16>) -> tensor<2x100x8x64xbf16> {
  %o, %l = moda.attention q(%q : tensor<2x100x8x64xbf16>) kv(%k, %k : tensor<2x100x2x64xbf16>, tensor<2x100x2x64xbf16>) depth(%dk, %dk : tensor<2x100x3x2x64xbf16>, tensor<2x100x3x2x64xbf16>) {causal, strided} -> tensor<2x100x8x64xbf16>, tensor<2x8x100xf32>
  return %o : tensor<2x100x8x64xbf16>
}
