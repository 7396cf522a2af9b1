func.func @if_seen_scalar_state(%s: tensor<f32>, %i: index) {
  "moda_tile.if_seen"(%i, %i, %i, %i, %i, %s) ({
    "moda_tile.yield"(%s) : (tensor<f32>) -> ()
  }) {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : (index, index, index, index, index, tensor<f32>) -> tensor<f32>
  return
}
