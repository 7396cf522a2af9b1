func.func @layers(%x: tensor<?x?x4x32xf32>, %k: tensor<?x?x2x32xf32>, %n: index) -> tensor<?x?x4x32xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x4x32xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x4x32xf32>
  %s0 = moda.stream.empty(%b, %t) : !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%h = %x, %s = %s0) -> (tensor<?x?x4x32xf32>, !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>) {
    %dk, %dv = moda.stream.entries %s : !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6> -> tensor<?x?x?x2x32xf32>, tensor<?x?x?x2x32xf32>
    %o, %l = moda.attention q(%h : tensor<?x?x4x32xf32>) kv(%k, %k : tensor<?x?x2x32xf32>, tensor<?x?x2x32xf32>) depth(%dk, %dv : tensor<?x?x?x2x32xf32>, tensor<?x?x?x2x32xf32>) {causal} -> tensor<?x?x4x32xf32>, tensor<?x4x?xf32>
    %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>, tensor<?x?x2x32xf32>, tensor<?x?x2x32xf32> -> !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>
    scf.yield %o, %s1 : tensor<?x?x4x32xf32>, !moda.depth_stream<?x?x2x32xf32, size = ?, capacity = 6>
  }
  return %r#0 : tensor<?x?x4x32xf32>
}
