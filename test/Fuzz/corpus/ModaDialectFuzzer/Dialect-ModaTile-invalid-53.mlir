func.func @if_seen_nothing_carried(%i: index) {
  "moda_tile.if_seen"(%i, %i, %i, %i, %i) ({
    "moda_tile.yield"() : () -> ()
  }) {columns = 16 : i64, group = 2 : i64, visibility = #moda_tile.visibility<part = depth>} : (index, index, index, index, index) -> ()
  return
}
