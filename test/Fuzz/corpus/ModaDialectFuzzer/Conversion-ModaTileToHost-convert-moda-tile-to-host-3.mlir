func.func @rows(%k: memref<?xf16>, %lse: memref<?xf32>, %l: tensor<4xf32>, %i: index) -> tensor<4x8xf16> {
  %t = moda_tile.load %k[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = depth, heads = 2>} : memref<?xf16> -> tensor<4x8xf16>
  moda_tile.store %l, %lse[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = lse, heads = 4, group = 2>} : tensor<4xf32>, memref<?xf32>
  return %t : tensor<4x8xf16>
}
