#wgmma = #moda_tile.layout<kind = wgmma, num_warps = 4>
#rows = #moda_tile.rows<kind = key, heads = 1>
func.func private @paged_loop(%q: tensor<64x64xbf16>, %kbuf: memref<?xbf16>, %vbuf: memref<?xbf16>, %table: memref<?xi32>, %pages: index, %lb: index, %n: index, %S: index) attributes {moda_tile.program} {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant dense<0.0> : tensor<64x64xf32>
  %m0 = arith.constant dense<0xFF800000> : tensor<64xf32>
  %l0 = arith.constant dense<0.0> : tensor<64xf32>
  %r:3 = scf.for %j = %lb to %n step %c1 iter_args(%m = %m0, %l = %l0, %acc = %zero) -> (tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>) {
    %first = arith.muli %j, %c64 : index
    %page, %row = moda_tile.page_lookup %table[%c0, %first] pages %pages {page_size = 128 : i64, pages_per_entry = 8 : i64} : memref<?xi32>
    %k = moda_tile.load %kbuf[%page, %c0, %row] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %v = moda_tile.load %vbuf[%page, %c0, %row] end %S extent %S {rows = #rows} : memref<?xbf16> -> tensor<64x64xbf16>
    %s = moda_tile.dot %q, %k, %zero {layout = #wgmma, transpose_rhs} : tensor<64x64xbf16>, tensor<64x64xbf16> -> tensor<64x64xf32>
    %m1, %p, %alpha, %l1 = moda_tile.softmax_update %s, %m, %l {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32>
    %a = moda_tile.scale_rows %acc, %alpha : tensor<64x64xf32>, tensor<64xf32>
    %acc1 = moda_tile.dot %p, %v, %a {layout = #wgmma} : tensor<64x64xf32>, tensor<64x64xbf16> -> tensor<64x64xf32>
    scf.yield %m1, %l1, %acc1 : tensor<64xf32>, tensor<64xf32>, tensor<64x64xf32>
  }
  %o, %e = moda_tile.finalize %r#2, %r#0, %r#1 {exp2_scale = 0.18 : f32} : tensor<64x64xf32>, tensor<64xf32> -> tensor<64x64xbf16>
  return
}
