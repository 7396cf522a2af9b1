func.func @window_layers(%k: tensor<1x4x1x8xf32>, %n: index) -> tensor<1x4x?x1x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s0 = moda.stream.empty : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0, %acc = %k) -> (!moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>, tensor<1x4x1x8xf32>) {
    %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window> -> tensor<1x4x?x1x8xf32>, tensor<1x4x?x1x8xf32>
    %s1 = moda.stream.append %s, %acc, %acc : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>, tensor<1x4x1x8xf32>, tensor<1x4x1x8xf32> -> !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>
    scf.yield %s1, %acc : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window>, tensor<1x4x1x8xf32>
  }
  %dk, %dv = moda.stream.entries %r#0 : !moda.depth_stream<1x4x1x8xf32, size = ?, capacity = 3, window> -> tensor<1x4x?x1x8xf32>, tensor<1x4x?x1x8xf32>
  return %dk : tensor<1x4x?x1x8xf32>
}
