func.func @attention(%q: tensor<2x200x8x64xbf16>,
                     %k: tensor<2x200x2x64xbf16>, %v: tensor<2x200x2x64xbf16>,
                     %depth_k: tensor<2x200x7x2x64xbf16>,
                     %depth_v: tensor<2x200x7x2x64xbf16>)
    -> (tensor<2x200x8x64xbf16>, tensor<2x8x200xf32>) {
  %out, %lse = moda.attention q(%q : tensor<2x200x8x64xbf16>)
      kv(%k, %v : tensor<2x200x2x64xbf16>, tensor<2x200x2x64xbf16>)
      depth(%depth_k, %depth_v : tensor<2x200x7x2x64xbf16>, tensor<2x200x7x2x64xbf16>)
      {causal} -> tensor<2x200x8x64xbf16>, tensor<2x8x200xf32>
  return %out, %lse : tensor<2x200x8x64xbf16>, tensor<2x8x200xf32>
}
