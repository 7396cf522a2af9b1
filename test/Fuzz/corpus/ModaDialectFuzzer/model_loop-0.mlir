func.func @model(%x: tensor<1x37x4x32xf32>, %k: tensor<1x37x2x32xf32>,
                 %v: tensor<1x37x2x32xf32>)
    -> (tensor<1x37x4x32xf32>, tensor<1x37x4x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : index
  %s0 = moda.stream.empty : !moda.depth_stream<1x37x2x32xf32, size = ?, capacity = 4, window>
  %r:2 = scf.for %layer = %c0 to %c6 step %c1 iter_args(%h = %x, %s = %s0)
      -> (tensor<1x37x4x32xf32>, !moda.depth_stream<1x37x2x32xf32, size = ?, capacity = 4, window>) {
    %dk, %dv = moda.stream.entries %s : !moda.depth_stream<1x37x2x32xf32, size = ?, capacity = 4, window>
        -> tensor<1x37x?x2x32xf32>, tensor<1x37x?x2x32xf32>
    %out, %lse = moda.attention q(%h : tensor<1x37x4x32xf32>)
        kv(%k, %v : tensor<1x37x2x32xf32>, tensor<1x37x2x32xf32>)
        depth(%dk, %dv : tensor<1x37x?x2x32xf32>, tensor<1x37x?x2x32xf32>)
        {causal} -> tensor<1x37x4x32xf32>, tensor<1x4x37xf32>
    %ek = tensor.extract_slice %out[0, 0, 0, 0] [1, 37, 2, 32] [1, 1, 1, 1]
        : tensor<1x37x4x32xf32> to tensor<1x37x2x32xf32>
    %ev = tensor.extract_slice %out[0, 0, 2, 0] [1, 37, 2, 32] [1, 1, 1, 1]
        : tensor<1x37x4x32xf32> to tensor<1x37x2x32xf32>
    %s1 = moda.stream.append %s, %ek, %ev
        : !moda.depth_stream<1x37x2x32xf32, size = ?, capacity = 4, window>,
          tensor<1x37x2x32xf32>, tensor<1x37x2x32xf32>
        -> !moda.depth_stream<1x37x2x32xf32, size = ?, capacity = 4, window>
    scf.yield %out, %s1 : tensor<1x37x4x32xf32>, !moda.depth_stream<1x37x2x32xf32, size = ?, capacity = 4, window>
  }
  return %x, %r#0 : tensor<1x37x4x32xf32>, tensor<1x37x4x32xf32>
}
