func.func private @program(index, index) attributes {moda_tile.program}

func.func @launch_arguments(%i: index) {
  moda_tile.launch @program grid(%i, %i, %i) (%i) : index
  return
}
