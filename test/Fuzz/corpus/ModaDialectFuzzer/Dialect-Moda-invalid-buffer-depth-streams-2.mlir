func.func @twice_per_iteration(%k: tensor<1x8x1x16xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s0 = moda.stream.empty : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%s = %s0) -> (!moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>) {
    %s1 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
    %s2 = moda.stream.append %s, %k, %k : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>, tensor<1x8x1x16xf16>, tensor<1x8x1x16xf16> -> !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
    scf.yield %s1 : !moda.depth_stream<1x8x1x16xf16, size = ?, capacity = 4>
  }
  return
}
