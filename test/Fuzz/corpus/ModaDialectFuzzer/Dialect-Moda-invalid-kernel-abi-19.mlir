func.func private @threads() attributes {l = #moda.abi_launch<"k", grid = [T, 1, B], threads = 2048, dynamic_shared_memory = 0>}
