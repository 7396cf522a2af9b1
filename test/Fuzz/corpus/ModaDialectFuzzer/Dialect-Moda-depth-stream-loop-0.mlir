func.func @layers(%x: tensor<1x32x8x64xbf16>, %k: tensor<1x32x2x64xbf16>, %n: index) -> tensor<1x32x8x64xbf16> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %s = moda.stream.empty : !moda.depth_stream<1x32x2x64xbf16, size = ?, capacity = 16>
  %r:2 = scf.for %i = %c0 to %n step %c1 iter_args(%h = %x, %st = %s) -> (tensor<1x32x8x64xbf16>, !moda.depth_stream<1x32x2x64xbf16, size = ?, capacity = 16>) {
    %dk, %dv = moda.stream.entries %st : !moda.depth_stream<1x32x2x64xbf16, size = ?, capacity = 16> -> tensor<1x32x?x2x64xbf16>, tensor<1x32x?x2x64xbf16>
    %o, %l = moda.attention q(%h : tensor<1x32x8x64xbf16>) kv(%k, %k : tensor<1x32x2x64xbf16>, tensor<1x32x2x64xbf16>) depth(%dk, %dv : tensor<1x32x?x2x64xbf16>, tensor<1x32x?x2x64xbf16>) {causal} -> tensor<1x32x8x64xbf16>, tensor<1x8x32xf32>
    %next = moda.stream.append %st, %k, %k : !moda.depth_stream<1x32x2x64xbf16, size = ?, capacity = 16>, tensor<1x32x2x64xbf16>, tensor<1x32x2x64xbf16> -> !moda.depth_stream<1x32x2x64xbf16, size = ?, capacity = 16>
    scf.yield %o, %next : tensor<1x32x8x64xbf16>, !moda.depth_stream<1x32x2x64xbf16, size = ?, capacity = 16>
  }
  return %r#0 : tensor<1x32x8x64xbf16>
}
