func.func private @negative_divisor() attributes {l = #moda.abi_launch<"k", grid = [T ceildiv -2, 1, B], threads = 32, dynamic_shared_memory = 0>}
