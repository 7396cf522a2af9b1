func.func private @grid_rank() attributes {l = #moda.abi_launch<"k", grid = [T, B], threads = 32, dynamic_shared_memory = 0>}
