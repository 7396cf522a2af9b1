func.func @merge_partial_lse(%part: tensor<32x64xf32>, %plse: tensor<16xf32>, %acc: tensor<32x64xf32>) {
  %m, %s, %a = moda_tile.merge_partial %part, %plse, %plse, %plse, %acc : tensor<32x64xf32>, tensor<16xf32>
  return
}
