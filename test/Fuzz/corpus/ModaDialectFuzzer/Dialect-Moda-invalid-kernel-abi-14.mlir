func.func private @dynamic_grid() attributes {l = #moda.abi_launch<"k", grid = [?, 1, B], threads = 32, dynamic_shared_memory = 0>}
