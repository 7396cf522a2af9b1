func.func @if_seen_copies(%buffer: memref<?xbf16>, %query: tensor<32x64xbf16>, %max: tensor<32xf32>, %acc: tensor<32x64xf32>, %i: index) {
  %next:2 = moda_tile.if_seen rows %i columns %i (T = %i, S = %i, L = %i) carrying %max, %acc {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32xf32>, tensor<32x64xf32> {
    %keys = moda_tile.load %buffer[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = depth, heads = 1>} : memref<?xbf16> -> tensor<16x64xbf16>
    %zeros = arith.constant dense<0.0> : tensor<32x16xf32>
    %s = moda_tile.dot %query, %keys, %zeros {transpose_rhs} : tensor<32x64xbf16>, tensor<16x64xbf16> -> tensor<32x16xf32>
    %masked = moda_tile.mask %s rows %i columns %i (T = %i, S = %i, L = %i) {group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : tensor<32x16xf32>
    moda_tile.yield %max, %acc : tensor<32xf32>, tensor<32x64xf32>
  }
  return
}
