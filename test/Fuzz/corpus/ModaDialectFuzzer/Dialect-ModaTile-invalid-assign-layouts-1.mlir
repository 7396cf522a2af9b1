func.func private @no_query() attributes {moda_tile.program, moda.kernel = {config = #moda.config<block_m = 16, block_n = 16, block_depth = 16, num_warps = 1, num_stages = 1, mma = fma, target = "sm_90a">}} {
  return
}
