func.func @stream(%b: index, %t: index, %k: tensor<?x?x2x64xbf16>) -> tensor<?x?x1x2x64xbf16> {
  %s0 = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x64xbf16, size = 0, capacity = 4>
  %s1 = moda.stream.append %s0, %k, %k : !moda.depth_stream<?x?x2x64xbf16, size = 0, capacity = 4>, tensor<?x?x2x64xbf16>, tensor<?x?x2x64xbf16> -> !moda.depth_stream<?x?x2x64xbf16, size = 1, capacity = 4>
  %dk, %dv = moda.stream.entries %s1 : !moda.depth_stream<?x?x2x64xbf16, size = 1, capacity = 4> -> tensor<?x?x1x2x64xbf16>, tensor<?x?x1x2x64xbf16>
  return %dk : tensor<?x?x1x2x64xbf16>
}

func.func @dynamic_size(%s: !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>, %k: tensor<1x16x2x8xf32>) -> tensor<1x16x?x2x8xf32> {
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>, tensor<1x16x2x8xf32>, tensor<1x16x2x8xf32> -> !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8>
  %dk, %dv = moda.stream.entries %t : !moda.depth_stream<1x16x2x8xf32, size = ?, capacity = 8> -> tensor<1x16x?x2x8xf32>, tensor<1x16x?x2x8xf32>
  return %dk : tensor<1x16x?x2x8xf32>
}

func.func @window(%s: !moda.depth_stream<1x16x2x8xf32, size = 4, capacity = 4, window>, %k: tensor<1x16x2x8xf32>) -> tensor<1x16x4x2x8xf32> {
  %t = moda.stream.append %s, %k, %k : !moda.depth_stream<1x16x2x8xf32, size = 4, capacity = 4, window>, tensor<1x16x2x8xf32>, tensor<1x16x2x8xf32> -> !moda.depth_stream<1x16x2x8xf32, size = 5, capacity = 4, window>
  %dk, %dv = moda.stream.entries %t : !moda.depth_stream<1x16x2x8xf32, size = 5, capacity = 4, window> -> tensor<1x16x4x2x8xf32>, tensor<1x16x4x2x8xf32>
  return %dk : tensor<1x16x4x2x8xf32>
}
