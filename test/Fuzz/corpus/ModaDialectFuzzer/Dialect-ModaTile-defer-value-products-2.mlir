#wgmma = #moda_tile.layout<kind = wgmma, num_warps = 4>
#rows = #moda_tile.rows<kind = key, heads = 1>
func.func private @masked_loop(%q: tensor<64x64xbf16>, %kbuf: memref<?xbf16>, %row: index, %n: index, %T: index, %S: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %r:3 = scf.for %j = %c0 to %n step %c1 iter_args(%m = %m0, %l = %l0, %acc = %zero) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
    %first = arith.muli %j, %c64 : index
    %k = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %v = moda_tile.load %kbuf[%c0, %c0, %first] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %next:3 = moda_tile.if_seen rows %row columns %first (T = %T, S = %S, L = %c0) carrying %m, %l, %acc {columns = 64 : i64, group = 1 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32> {
      %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
      %sm = moda_tile.mask %s rows %row columns %first (T = %T, S = %S, L = %c0) {group = 1 : i64, visibility = #moda_tile.visibility<part = sequence, causal = true>} : tensor<64x64xf32>
      %m1, %p, %alpha, %l1 = moda_tile.softmax_update %sm, %m, %l {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
      %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
      %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
      moda_tile.yield %m1, %l1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
    }
    scf.yield %next#0, %next#1, %next#2 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  return
}
