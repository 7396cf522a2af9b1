func.func private @not_a_program(index)

func.func @launch_plain(%i: index) {
  moda_tile.launch @not_a_program grid(%i, %i, %i) (%i) : index
  return
}
