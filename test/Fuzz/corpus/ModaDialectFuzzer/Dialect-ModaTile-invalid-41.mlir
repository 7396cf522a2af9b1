func.func @dot_wait_negative(%a: tensor<64x64xf32>) {
  %d = moda_tile.dot_wait %a {pending = -1 : i64} : tensor<64x64xf32>
  return
}
