func.func private @shared_memory() attributes {l = #moda.abi_launch<"k", grid = [T, 1, B], threads = 32, dynamic_shared_memory = -1>}
