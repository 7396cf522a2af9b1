func.func @if_seen_no_yield(%max: tensor<32xf32>, %i: index) {
  %r = "moda_tile.if_seen"(%i, %i, %i, %i, %i, %max) ({
    %c = arith.constant 0 : index
  }) {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : (index, index, index, index, index, tensor<32xf32>) -> tensor<32xf32>
  return
}
