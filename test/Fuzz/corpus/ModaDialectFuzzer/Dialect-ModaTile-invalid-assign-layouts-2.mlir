func.func private @f32_wgmma(%q: memref<?xf32>, %i: index) attributes {moda_tile.program, moda.kernel = {config = #moda.config<block_m = 64, block_n = 64, block_depth = 64, num_warps = 4, num_stages = 2, mma = wgmma, target = "sm_90a">}} {
  %query = moda_tile.load %q[%i, %i, %i] end %i extent %i {rows = #moda_tile.rows<kind = query, heads = 2, group = 2>} : memref<?xf32> -> tensor<64x64xf32>
  return
}
