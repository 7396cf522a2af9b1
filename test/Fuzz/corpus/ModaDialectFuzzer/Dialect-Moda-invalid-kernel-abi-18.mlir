func.func private @constant_divides() attributes {l = #moda.abi_launch<"k", grid = [T, 8 ceildiv 2, B], threads = 32, dynamic_shared_memory = 0>}
