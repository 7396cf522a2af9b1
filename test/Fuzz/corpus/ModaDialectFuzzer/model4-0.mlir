func.func @model(%x: tensor<1x200x8x64xbf16>,
                 %k0: tensor<1x200x2x64xbf16>,
                 %v0: tensor<1x200x2x64xbf16>,
                 %fk0: tensor<1x200x2x64xbf16>,
                 %fv0: tensor<1x200x2x64xbf16>,
                 %k1: tensor<1x200x2x64xbf16>,
                 %v1: tensor<1x200x2x64xbf16>,
                 %fk1: tensor<1x200x2x64xbf16>,
                 %fv1: tensor<1x200x2x64xbf16>,
                 %k2: tensor<1x200x2x64xbf16>,
                 %v2: tensor<1x200x2x64xbf16>,
                 %fk2: tensor<1x200x2x64xbf16>,
                 %fv2: tensor<1x200x2x64xbf16>,
                 %k3: tensor<1x200x2x64xbf16>,
                 %v3: tensor<1x200x2x64xbf16>,
                 %fk3: tensor<1x200x2x64xbf16>,
                 %fv3: tensor<1x200x2x64xbf16>)
    -> (tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>) {
  %stream0 = moda.stream.empty : !moda.depth_stream<1x200x2x64xbf16, size = 0, capacity = 8>
  %dk0, %dv0 = moda.stream.entries %stream0 : !moda.depth_stream<1x200x2x64xbf16, size = 0, capacity = 8>
      -> tensor<1x200x0x2x64xbf16>, tensor<1x200x0x2x64xbf16>
  %out0, %lse0 = moda.attention q(%x : tensor<1x200x8x64xbf16>)
      kv(%k0, %v0 : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>)
      depth(%dk0, %dv0 : tensor<1x200x0x2x64xbf16>, tensor<1x200x0x2x64xbf16>)
      {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  %attn0 = moda.stream.append %stream0, %k0, %v0
      : !moda.depth_stream<1x200x2x64xbf16, size = 0, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 1, capacity = 8>
  %stream1 = moda.stream.append %attn0, %fk0, %fv0
      : !moda.depth_stream<1x200x2x64xbf16, size = 1, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 2, capacity = 8>
  %dk1, %dv1 = moda.stream.entries %stream1 : !moda.depth_stream<1x200x2x64xbf16, size = 2, capacity = 8>
      -> tensor<1x200x2x2x64xbf16>, tensor<1x200x2x2x64xbf16>
  %out1, %lse1 = moda.attention q(%out0 : tensor<1x200x8x64xbf16>)
      kv(%k1, %v1 : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>)
      depth(%dk1, %dv1 : tensor<1x200x2x2x64xbf16>, tensor<1x200x2x2x64xbf16>)
      {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  %attn1 = moda.stream.append %stream1, %k1, %v1
      : !moda.depth_stream<1x200x2x64xbf16, size = 2, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 3, capacity = 8>
  %stream2 = moda.stream.append %attn1, %fk1, %fv1
      : !moda.depth_stream<1x200x2x64xbf16, size = 3, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 4, capacity = 8>
  %dk2, %dv2 = moda.stream.entries %stream2 : !moda.depth_stream<1x200x2x64xbf16, size = 4, capacity = 8>
      -> tensor<1x200x4x2x64xbf16>, tensor<1x200x4x2x64xbf16>
  %out2, %lse2 = moda.attention q(%out1 : tensor<1x200x8x64xbf16>)
      kv(%k2, %v2 : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>)
      depth(%dk2, %dv2 : tensor<1x200x4x2x64xbf16>, tensor<1x200x4x2x64xbf16>)
      {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  %attn2 = moda.stream.append %stream2, %k2, %v2
      : !moda.depth_stream<1x200x2x64xbf16, size = 4, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 5, capacity = 8>
  %stream3 = moda.stream.append %attn2, %fk2, %fv2
      : !moda.depth_stream<1x200x2x64xbf16, size = 5, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 6, capacity = 8>
  %dk3, %dv3 = moda.stream.entries %stream3 : !moda.depth_stream<1x200x2x64xbf16, size = 6, capacity = 8>
      -> tensor<1x200x6x2x64xbf16>, tensor<1x200x6x2x64xbf16>
  %out3, %lse3 = moda.attention q(%out2 : tensor<1x200x8x64xbf16>)
      kv(%k3, %v3 : tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16>)
      depth(%dk3, %dv3 : tensor<1x200x6x2x64xbf16>, tensor<1x200x6x2x64xbf16>)
      {causal} -> tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
  %attn3 = moda.stream.append %stream3, %k3, %v3
      : !moda.depth_stream<1x200x2x64xbf16, size = 6, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 7, capacity = 8>
  %stream4 = moda.stream.append %attn3, %fk3, %fv3
      : !moda.depth_stream<1x200x2x64xbf16, size = 7, capacity = 8>, tensor<1x200x2x64xbf16>, tensor<1x200x2x64xbf16> -> !moda.depth_stream<1x200x2x64xbf16, size = 8, capacity = 8>
  return %out3, %lse3 : tensor<1x200x8x64xbf16>, tensor<1x8x200xf32>
}
