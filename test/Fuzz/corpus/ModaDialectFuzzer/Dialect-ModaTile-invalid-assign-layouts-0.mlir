func.func private @no_config() attributes {moda_tile.program} {
  return
}
